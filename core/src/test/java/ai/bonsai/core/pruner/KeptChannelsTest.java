package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.WeightRows;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeptChannelsTest {

    /** a(8) → bn → relu → b(6) → pool → flatten → fc(3), with a softmax after fc. */
    private static Graph graph() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("kept", 3);
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value h = b.relu("r", b.batchNorm("bn", b.conv2d("a", x, 8, 3, 1, 1)));
        h = b.conv2d("b", h, 6, 3, 1, 1);
        Value logits = b.linear("fc", b.flatten("flat", b.adaptiveAvgPool2d("pool", h, 1, 1)), 3);
        b.output(b.op("softmax", "prob", Attributes.of().with("dim", -1), logits));
        return b.build();
    }

    @Test
    void keptIndicesAreInTheOriginalNumberingAcrossSuccessivePrunes() {
        try (Graph g = graph()) {
            float[][] original = WeightRows.rowsOf(g, "a");
            KeptChannels kept = KeptChannels.of(g);
            DependencyGraph dg = DependencyGraph.build(g);
            for (IndexSet idxs : List.of(IndexSet.of(1, 4), IndexSet.of(0, 5))) {
                var group = dg.getPruningGroup(g.node("a"), PruningHandle.PRUNE_OUT, idxs);
                kept.record(group);
                group.prune();
            }
            assertThat(kept.keptOutChannels("a")).containsExactly(2, 3, 5, 6);
            assertThat(kept.keptOutChannels("bn")).containsExactly(2, 3, 5, 6);
            assertThat(WeightRows.kept(original, g, "a")).containsExactly(2, 3, 5, 6);
            assertThat(kept.pruned()).containsOnlyKeys("a", "bn");
            assertThat(kept.initialOutChannels("a")).isEqualTo(8);
            assertThat(kept.keptOutChannels("r")).as("parameter-free nodes are not followed").isEmpty();
        }
    }

    @Test
    void theClassifierIsTheLinearBehindParameterFreeNodesOnly() {
        try (Graph g = graph()) {
            assertThat(OutputClassifiers.find(g)).containsExactly("fc");
        }
    }
}
