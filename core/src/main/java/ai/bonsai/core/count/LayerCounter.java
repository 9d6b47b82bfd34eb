package ai.bonsai.core.count;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts a graph layer by layer, with the conventions of {@link OpCounter}: the per-layer
 * table of pruning reports.
 *
 * <pre>{@code
 * List<LayerCost> before = LayerCounter.count(graph);
 * }</pre>
 */
public final class LayerCounter {

    private LayerCounter() {
    }

    /**
     * Counts every node that owns trainable parameters, in graph order. Nodes without
     * parameters (activations, pooling, element-wise ops) are left out; their MACs still count
     * in {@link OpCounter#count(Graph)}.
     *
     * @param graph the graph
     * @return one entry per parameterised node
     */
    public static List<LayerCost> count(Graph graph) {
        DependencyGraph dg = DependencyGraph.build(graph);
        List<LayerCost> layers = new ArrayList<>();
        for (Node n : graph.nodes()) {
            long params = 0;
            for (Parameter p : n.parameters().values()) {
                if (p.trainable()) {
                    params += p.shape().size();
                }
            }
            if (params > 0) {
                layers.add(new LayerCost(n.name(), n.op().name(),
                        dg.channels(n, PruningHandle.PRUNE_IN), dg.channels(n, PruningHandle.PRUNE_OUT),
                        params, n.op().macs(n)));
            }
        }
        return List.copyOf(layers);
    }
}
