package ai.bonsai.core.count;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;

/**
 * Counts parameters and MACs with the flops-counter conventions Torch-Pruning uses, so that
 * figures compare one to one: each node's {@link ai.bonsai.api.op.OpType#macs} at the graph's
 * static input shapes, and every trainable parameter's elements.
 */
public final class OpCounter {

    private OpCounter() {
    }

    /**
     * Counts a graph.
     *
     * @param graph the graph
     * @return parameters and MACs
     */
    public static ModelCost count(Graph graph) {
        long params = 0;
        long macs = 0;
        for (Node n : graph.nodes()) {
            for (Parameter p : n.parameters().values()) {
                if (p.trainable()) {
                    params += p.shape().size();
                }
            }
            macs += n.op().macs(n);
        }
        return new ModelCost(params, macs);
    }
}
