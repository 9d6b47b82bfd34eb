package ai.bonsai.core.depgraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The DepGraph service extensions inject: groups of all or of chosen output channels. */
class DefaultDependencyGroupsTest {

    private static Graph twoLinears() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("t", 1);
        b.output(b.linear("b", b.linear("a", b.input("x", new Shape(2, 5)), 6), 3));
        return b.build();
    }

    @Test
    void aGroupOfChosenChannelsPrunesThemFromTheNodeAndItsConsumer() {
        try (Graph g = twoLinears()) {
            DefaultDependencyGroups groups = new DefaultDependencyGroups();
            assertThat(groups.ofAllOutChannels(g, g.node("a")).root().idxs()).isEqualTo(IndexSet.range(6));
            Group group = groups.ofOutChannels(g, g.node("a"), IndexSet.of(1, 4));
            assertThat(group.members()).hasSize(2);
            group.prune();
            assertThat(g.node("a").parameter("weight").shape()).isEqualTo(new Shape(4, 5));
            assertThat(g.node("b").parameter("weight").shape()).isEqualTo(new Shape(3, 4));
        }
    }

    @Test
    void channelsOutOfRangeAreRefusedNamingTheNode() {
        try (Graph g = twoLinears()) {
            assertThatThrownBy(() -> new DefaultDependencyGroups().ofOutChannels(g, g.node("a"), IndexSet.of(6)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("node 'a' (linear) has 6 output channels, cannot group [6]");
        }
    }
}
