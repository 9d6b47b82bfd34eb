package ai.bonsai.core.count;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

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
            ModelCost c = count(n);
            params += c.params();
            macs += c.macs();
        }
        return new ModelCost(params, macs);
    }

    /**
     * Counts every node of a graph on its own.
     *
     * @param graph the graph
     * @return parameters and MACs by node name, in graph order
     */
    public static Map<String, ModelCost> countByNode(Graph graph) {
        Map<String, ModelCost> costs = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            costs.put(n.name(), count(n));
        }
        return costs;
    }

    /**
     * Counts one node: its trainable parameters' elements and its MACs.
     *
     * @param node the node
     * @return parameters and MACs
     */
    public static ModelCost count(Node node) {
        long params = 0;
        for (Parameter p : node.parameters().values()) {
            if (p.trainable()) {
                params += p.shape().size();
            }
        }
        return new ModelCost(params, node.op().macs(node));
    }
}
