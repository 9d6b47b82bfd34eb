package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** What the normalization op types (batch, layer, group and instance norm) share. */
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

    /**
     * The affine parameters of a normalization: {@code weight} (ones) and {@code bias} (zeros).
     *
     * @param affine whether the node is affine
     * @param shape their shape
     * @return the two declarations, or none when not affine
     */
    static List<ParameterSpec> affine(boolean affine, Shape shape) {
        if (!affine) {
            return List.of();
        }
        return List.of(ParameterSpec.weight("weight", shape, ParameterSpec.Init.ONES),
                ParameterSpec.weight("bias", shape, ParameterSpec.Init.ZEROS));
    }
}
