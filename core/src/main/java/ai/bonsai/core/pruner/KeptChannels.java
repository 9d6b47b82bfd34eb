package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows which of each parameterised node's original output channels are still there while
 * groups are pruned, for reports that name kept channels in the original model's numbering
 * (as Torch-Pruning's reference files do).
 *
 * <pre>{@code
 * KeptChannels kept = KeptChannels.of(graph);
 * run.stepInteractive().forEachRemaining(g -> { kept.record(g); g.prune(); });
 * kept.keptOutChannels("conv1");   // e.g. [0, 2, 3, 7]
 * }</pre>
 */
public final class KeptChannels {

    private final Map<String, List<Integer>> kept = new LinkedHashMap<>();
    private final Map<String, Integer> initial = new LinkedHashMap<>();

    private KeptChannels() {
    }

    /**
     * Starts following every node that owns parameters, at its current output channels.
     *
     * @param graph the graph before pruning
     * @return the tracker
     */
    public static KeptChannels of(Graph graph) {
        DependencyGraph dg = DependencyGraph.build(graph);
        KeptChannels k = new KeptChannels();
        for (Node n : graph.nodes()) {
            int channels = dg.channels(n, PruningHandle.PRUNE_OUT);
            if (!n.parameters().isEmpty() && channels > 0) {
                List<Integer> all = new ArrayList<>(channels);
                for (int c = 0; c < channels; c++) {
                    all.add(c);
                }
                k.kept.put(n.name(), all);
                k.initial.put(n.name(), channels);
            }
        }
        return k;
    }

    /**
     * Records a group that is about to be pruned: call it before {@link Group#prune()}, since
     * the group's indices are in the channel numbering of the graph as it is before the prune.
     *
     * @param group the group
     */
    public void record(Group group) {
        for (GroupMember m : group.members()) {
            List<Integer> list = kept.get(m.node().name());
            if (list == null || m.handle() != PruningHandle.PRUNE_OUT) {
                continue;
            }
            int[] idxs = m.idxs().toArray();
            for (int i = idxs.length - 1; i >= 0; i--) {
                list.remove(idxs[i]);
            }
        }
    }

    /**
     * Returns the original indices of a node's output channels that are left.
     *
     * @param node the node name
     * @return the kept indices, ascending; empty if the node is not followed
     */
    public List<Integer> keptOutChannels(String node) {
        return List.copyOf(kept.getOrDefault(node, List.of()));
    }

    /**
     * Returns, for every followed node that lost output channels, its kept original indices.
     *
     * @return kept indices by node name, in graph order
     */
    public Map<String, List<Integer>> pruned() {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        kept.forEach((name, list) -> {
            if (list.size() < initial.get(name)) {
                out.put(name, List.copyOf(list));
            }
        });
        return out;
    }

    /**
     * Returns a followed node's output channel count before pruning.
     *
     * @param node the node name
     * @return the count, 0 if the node is not followed
     */
    public int initialOutChannels(String node) {
        return initial.getOrDefault(node, 0);
    }
}
