package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningSchedule;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.importance.RandomImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.ConvChain;
import ai.bonsai.core.testing.WeightRows;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MetaPruner's ranking scopes, schedules, channel groups, heads and soft pruning. */
class PrunerOptionsTest {

    private static PruningConfig.Builder config() {
        return PruningConfig.builder().setImportance(new MagnitudeImportance())
                .optIgnoredLayers(List.of("fc"));
    }

    private static List<Long> widths(Graph g, String... nodes) {
        List<Long> w = new ArrayList<>();
        for (String n : nodes) {
            w.add(g.node(n).parameter("weight").shape().get(0));
        }
        return w;
    }

    private static List<Long> prunedChain(PruningConfig config) {
        try (Graph g = ConvChain.build()) {
            new MetaPruner().start(g, config).step();
            return widths(g, "a", "b", "c");
        }
    }

    @Test
    void isomorphicRankingComparesOnlyGroupsOfTheSameStructure() {
        // a's and b's groups are conv → conv (32 channels ranked together), c's is conv → linear
        List<Long> w = prunedChain(config().optIsomorphic(true).build());
        assertThat(w.get(0) + w.get(1)).isEqualTo(16);
        assertThat(w.get(0)).isNotEqualTo(8L);
        assertThat(w.get(2)).isEqualTo(4);
    }

    @Test
    void globalRankingSharesOneThresholdAndPatternsKeepTheirOwnScope() {
        List<Long> global = prunedChain(config().optGlobalPruning(true).build());
        assertThat(global.stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
        List<Long> withPattern = prunedChain(config().optGlobalPruning(true).optRatio("b", 0.25).build());
        assertThat(withPattern.get(1)).isEqualTo(12);
        assertThat(withPattern.get(0) + withPattern.get(2)).isEqualTo(12);
    }

    @Test
    void customSchedulesSetTheRatioOfEachStep() {
        try (Graph g = ConvChain.build()) {
            var run = new MetaPruner().start(g, config().optSteps(2)
                    .optSchedule(PruningSchedule.fractions(0.75, 1)).build());
            run.step();
            assertThat(widths(g, "a", "b", "c")).containsExactly(10L, 10L, 5L);
            run.step();
            assertThat(widths(g, "a", "b", "c")).containsExactly(8L, 8L, 4L);
        }
    }

    @Test
    void outputChannelGroupsArePrunedAlikeInEveryGroup() {
        try (Graph g = ConvChain.build()) {
            float[][] before = WeightRows.rowsOf(g, "a");
            new MetaPruner().start(g, config().optOutChannelGroups("a", 4).build()).step();
            List<Integer> kept = WeightRows.kept(before, g, "a");
            assertThat(kept).hasSize(8);
            for (int i = 0; i < 8; i += 2) {
                assertThat(kept.get(i) % 4).isEqualTo(kept.get(0) % 4);
                assertThat(kept.get(i + 1) % 4).isEqualTo(kept.get(1) % 4);
            }
        }
    }

    @Test
    void groupNormsAreDetectedAsChannelGroups() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("gn", 3);
        Value x = b.input("x", new Shape(1, 3, 4, 4));
        Value h = b.op("group_norm", "gn", Attributes.of().with("num_groups", 2).with("eps", 1e-5)
                .with("affine", true), b.conv2d("a", x, 8, 3, 1, 1));
        h = b.conv2d("c", b.relu("r", h), 4, 3, 1, 1);
        b.output(b.linear("fc", b.flatten("flat", b.adaptiveAvgPool2d("pool", h, 1, 1)), 2));
        try (Graph g = b.build()) {
            float[][] before = WeightRows.rowsOf(g, "a");
            new MetaPruner().start(g, config().build()).step();
            List<Integer> kept = WeightRows.kept(before, g, "a");
            assertThat(kept).hasSize(4);
            assertThat(kept.subList(2, 4)).containsExactly(kept.get(0) + 4, kept.get(1) + 4);
            assertThat(g.node("gn").attributes().getLong("num_groups")).isEqualTo(2);
        }
    }

    @Test
    void wholeHeadsGoWhenHeadsArePruned() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("heads", 9);
        Value h = b.linear("q", b.input("x", new Shape(1, 8)), 8);
        b.output(b.linear("fc", b.relu("r", h), 2));
        try (Graph g = b.build()) {
            float[][] before = WeightRows.rowsOf(g, "q");
            new MetaPruner().start(g, config().optNumHeads("q", 2).optPruneNumHeads(true)
                    .optPruneHeadDims(false).optHeadRatio(0.5).build()).step();
            List<Integer> kept = WeightRows.kept(before, g, "q");
            assertThat(kept).isIn(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
        }
    }

    @Test
    void globalHeadRankingRemovesTheWeakestHeadsOfAllAttentionLayers() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("heads", 4);
        Value h = b.relu("r1", b.linear("q1", b.input("x", new Shape(1, 8)), 8));
        h = b.relu("r2", b.linear("q2", h, 8));
        b.output(b.linear("fc", h, 2));
        try (Graph g = b.build()) {
            float[][] q1 = WeightRows.rowsOf(g, "q1");
            new MetaPruner().start(g, config().optNumHeads("q*", 2).optPruneNumHeads(true)
                    .optPruneHeadDims(false).optHeadRatio(0.5).optGlobalPruning(true).build()).step();
            // 4 heads in all, 2 go, one from each layer (losing both would empty a layer)
            assertThat(WeightRows.kept(q1, g, "q1")).isIn(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
            assertThat(g.node("q2").parameter("weight").shape().get(0)).isEqualTo(4);
        }
    }

    @Test
    void headDimensionsArePrunedAlikeInEveryHead() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("heads", 9);
        Value h = b.linear("q", b.input("x", new Shape(1, 8)), 8);
        b.output(b.linear("fc", b.relu("r", h), 2));
        try (Graph g = b.build()) {
            float[][] before = WeightRows.rowsOf(g, "q");
            new MetaPruner().start(g, config().optNumHeads("q", 2).build()).step();
            List<Integer> kept = WeightRows.kept(before, g, "q");
            assertThat(kept.subList(2, 4)).containsExactly(kept.get(0) + 4, kept.get(1) + 4);
        }
    }

    @Test
    void softPruningMasksAndKeepsShapes() {
        try (Graph g = ConvChain.build()) {
            new MetaPruner().start(g, config().optSoft(true).build()).step();
            assertThat(widths(g, "a", "b", "c")).containsExactly(16L, 16L, 8L);
            long zeroRows = 0;
            for (float[] row : WeightRows.rowsOf(g, "a")) {
                boolean zero = true;
                for (float v : row) {
                    zero &= v == 0;
                }
                zeroRows += zero ? 1 : 0;
            }
            assertThat(zeroRows).isEqualTo(8);
        }
    }

    @Test
    void seededRandomRunsAreRepeatableBitForBit() {
        List<List<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (Graph g = ConvChain.build()) {
                float[][] before = WeightRows.rowsOf(g, "a");
                new MetaPruner().start(g, config().setImportance(new RandomImportance(11)).build()).step();
                runs.add(WeightRows.kept(before, g, "a"));
            }
        }
        assertThat(runs.get(0)).isEqualTo(runs.get(1));
    }

    @Test
    void configRejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> config().optNumHeads("q", 0).optOutChannelGroups("a", 0)
                .optHeadRatio(1.5).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pruner.numHeads[q]: must be at least 1")
                .hasMessageContaining("pruner.outChannelGroups[a]")
                .hasMessageContaining("pruner.headRatio");
        assertThatThrownBy(() -> config().optSoft(true).optSteps(2).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("pruner.soft");
        assertThatThrownBy(() -> config().optBudget(PruningBudget.macs(0)).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("pruner.budget.target");
        assertThatThrownBy(() -> config().optPruneNumHeads(true).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("pruner.pruneNumHeads");
        assertThatThrownBy(() -> PruningSchedule.fractions(0.5, 0.9))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pruner.schedule");
    }
}
