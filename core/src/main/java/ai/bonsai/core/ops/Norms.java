package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;

/** Cost shared by the normalization op types (batch, layer, group and instance norm). */
final class Norms {

    private Norms() {
    }

    /**
     * Torch-Pruning's count for a normalization module: twice its input elements when it has an
     * affine weight, its input elements otherwise.
     *
     * @param node a normalization node
     * @return the MACs
     */
    static long macs(Node node) {
        long elements = node.input().shape().size();
        return node.hasParameter("weight") ? 2 * elements : elements;
    }
}
