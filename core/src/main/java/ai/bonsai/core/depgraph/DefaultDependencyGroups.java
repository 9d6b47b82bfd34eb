package ai.bonsai.core.depgraph;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.DependencyGroups;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;

/** Core's {@link DependencyGroups}: a {@link DependencyGraph} of the graph as it is now. */
public final class DefaultDependencyGroups implements DependencyGroups {

    /** Creates the service (Guice binds it for extensions). */
    public DefaultDependencyGroups() {
    }

    @Override
    public Group ofAllOutChannels(Graph graph, Node node) {
        DependencyGraph dg = DependencyGraph.build(graph);
        int channels = dg.channels(node, PruningHandle.PRUNE_OUT);
        if (channels < 1) {
            throw new PruningException("node '" + node.name() + "' (" + node.op().name()
                    + ") has no output channels to group");
        }
        return dg.getPruningGroup(node, PruningHandle.PRUNE_OUT, IndexSet.range(channels));
    }

    @Override
    public Group ofOutChannels(Graph graph, Node node, IndexSet idxs) {
        DependencyGraph dg = DependencyGraph.build(graph);
        int channels = dg.channels(node, PruningHandle.PRUNE_OUT);
        if (channels < 1 || (!idxs.isEmpty() && idxs.max() >= channels)) {
            throw new PruningException("node '" + node.name() + "' (" + node.op().name() + ") has "
                    + channels + " output channels, cannot group " + idxs);
        }
        return dg.getPruningGroup(node, PruningHandle.PRUNE_OUT, idxs);
    }
}
