package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.WeightRows;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Grouped (not depthwise) convolutions pruned as Torch-Pruning prunes them: the conv's groups are
 * channel groups, every group loses the same positions, {@code groups} stays, and the layers
 * coupled to the grouped conv's input and output prune with it.
 */
class GroupedConvolutionPruningTest {

    /**
     * A two-block ResNeXt-style network (seed 11, input 1x3x16x16): a stem conv 3 -> 16; block 1
     * with conv1 1x1 16 -> 20, conv2 3x3 20 -> 20 in 4 groups of 5, conv3 1x1 20 -> 32 and a 1x1
     * downsample 16 -> 32; block 2 with conv1 1x1 32 -> 48, conv2 3x3 48 -> 48 in 8 groups of 6,
     * conv3 1x1 48 -> 32 and an identity shortcut; every conv without bias and followed by a batch
     * norm; then average pool, flatten and fc 32 -> 10.
     */
    private static Graph resnext() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("resnext", 11);
        Value x = b.input("x", new Shape(1, 3, 16, 16));
        Value stem = b.relu("relu", b.batchNorm("bn", b.conv2d("stem", x, 16, 3, 1, 1)));
        Value y = block(b, "b1", stem, 20, 4, 32);
        Value shortcut = b.batchNorm("b1.ds.bn", b.conv2d("b1.ds", stem, 32, 1, 1, 0));
        Value h = b.relu("b1.out", b.add("b1.add", y, shortcut));
        h = b.relu("b2.out", b.add("b2.add", block(b, "b2", h, 48, 8, 32), h));
        b.output(b.linear("fc", b.flatten("flat", b.adaptiveAvgPool2d("pool", h, 1, 1)), 10));
        return b.build();
    }

    private static Value block(GraphBuilder b, String s, Value x, int width, int groups, int out) {
        Value h = b.relu(s + ".relu1", b.batchNorm(s + ".bn1", b.conv2d(s + ".conv1", x, width, 1, 1, 0)));
        h = b.conv2d(s + ".conv2", h, width, 3, 1, 1, 1, groups, false);
        h = b.relu(s + ".relu2", b.batchNorm(s + ".bn2", h));
        return b.batchNorm(s + ".bn3", b.conv2d(s + ".conv3", h, out, 1, 1, 0));
    }

    private static PruningConfig half(boolean soft) {
        return PruningConfig.builder().setImportance(new MagnitudeImportance()).optRatio(0.5)
                .optIgnoredLayers(List.of("fc")).optSoft(soft).build();
    }

    private static Shape weight(Graph g, String node) {
        return g.node(node).parameter("weight").shape();
    }

    @Test
    void halfOfEveryGroupReachesTorchPruningsParameterCount() {
        try (Graph g = resnext(); NDManager m = NDManager.newBaseManager()) {
            new MetaPruner().start(g, half(false)).step();
            // Torch-Pruning, local L2, ratio 0.5, fc ignored: a group ranks the scores averaged
            // over its channel groups (the grouped conv's groups) and keeps int(size x 0.5) of the
            // positions of one channel group, in every channel group:
            //   stem group      16 channels, 1 group   -> keeps int(16 x 0.5)    = 8
            //   b1.conv1/conv2  20 channels, 4 groups of 5 -> keeps 4 x int(2.5) = 8 (10 without groups)
            //   residual stream 32 channels (b1.conv3, b1.ds, b2.conv3, fc in)  -> 16
            //   b2.conv1/conv2  48 channels, 8 groups of 6 -> keeps 8 x 3        = 24
            // A grouped conv keeps its groups: weight [out, in / groups, 3, 3]. Batch norms count
            // weight and bias (2 per channel); the running statistics are buffers.
            long expected = 8 * 3 * 9 + 2 * 8 // stem, bn
                    + 8 * 8 + 2 * 8 // b1.conv1, bn1
                    + 8 * (8 / 4) * 9 + 2 * 8 // b1.conv2 (groups 4), bn2
                    + 16 * 8 + 2 * 16 // b1.conv3, bn3
                    + 16 * 8 + 2 * 16 // b1.ds, ds.bn
                    + 24 * 16 + 2 * 24 // b2.conv1, bn1
                    + 24 * (24 / 8) * 9 + 2 * 24 // b2.conv2 (groups 8), bn2
                    + 16 * 24 + 2 * 16 // b2.conv3, bn3
                    + 10 * 16 + 10; // fc
            assertThat(OpCounter.count(g).params()).isEqualTo(expected);
            assertThat(weight(g, "b1.conv2")).isEqualTo(new Shape(8, 2, 3, 3));
            assertThat(weight(g, "b2.conv2")).isEqualTo(new Shape(24, 3, 3, 3));
            assertThat(g.node("b1.conv2").attributes().getLong("groups")).isEqualTo(4);
            assertThat(g.node("b2.conv2").attributes().getLong("groups")).isEqualTo(8);
            assertThat(weight(g, "b1.conv3")).isEqualTo(new Shape(16, 8, 1, 1));
            assertThat(g.node("b2.bn2").parameter("running_var").shape()).isEqualTo(new Shape(24));
            assertThat(weight(g, "fc")).isEqualTo(new Shape(10, 16));
            NDArray out = new GraphExecutor(g).forward(new NDList(m.randomNormal(new Shape(1, 3, 16, 16)))).head();
            assertThat(out.getShape()).isEqualTo(new Shape(1, 10));
        }
    }

    @Test
    void everyConvGroupKeepsTheSamePositions() {
        try (Graph g = resnext()) {
            float[][] conv1 = WeightRows.rowsOf(g, "b2.conv1");
            float[][] conv2 = WeightRows.rowsOf(g, "b2.conv2");
            new MetaPruner().start(g, half(false)).step();
            List<Integer> kept1 = WeightRows.kept(conv1, g, "b2.conv1");
            List<Integer> kept2 = WeightRows.kept(conv2, g, "b2.conv2");
            for (List<Integer> kept : List.of(kept1, kept2)) {
                assertThat(kept).hasSize(24);
                List<Integer> first = kept.subList(0, 3);
                for (int group = 0; group < 8; group++) {
                    int offset = 6 * group;
                    assertThat(kept.subList(3 * group, 3 * group + 3))
                            .containsExactlyElementsOf(first.stream().map(p -> p + offset).collect(Collectors.toList()));
                }
            }
        }
    }

    @Test
    void prunedModelComputesWhatTheOriginalComputesWithTheRemovedChannelsZeroed() {
        try (Graph pruned = resnext(); Graph masked = resnext(); Graph original = resnext();
                NDManager m = NDManager.newBaseManager()) {
            new MetaPruner().start(pruned, half(false)).step();
            new MetaPruner().start(masked, half(true)).step();
            assertThat(weight(masked, "b2.conv2")).isEqualTo(new Shape(48, 6, 3, 3));
            NDList x = new NDList(m.randomNormal(new Shape(2, 3, 16, 16)));
            NDArray expected = new GraphExecutor(masked).forward(x).head();
            NDArray actual = new GraphExecutor(pruned).forward(x).head();
            assertThat(actual.getShape()).isEqualTo(new Shape(2, 10));
            assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-4f);
            NDArray unpruned = new GraphExecutor(original).forward(x).head();
            assertThat(unpruned.sub(expected).abs().max().getFloat()).isGreaterThan(1e-3f);
        }
    }

    @Test
    void roundToCountsTheChannelsOfEveryConvGroup() {
        try (Graph g = resnext()) {
            new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance())
                    .optRatio(0.5).optRoundTo(16).optIgnoredLayers(List.of("fc")).build()).step();
            // b2: 8 groups keep 3 of 6 positions (24 channels); 16 channels need 2 per group.
            assertThat(weight(g, "b2.conv2")).isEqualTo(new Shape(16, 2, 3, 3));
            assertThat(weight(g, "b2.conv1")).isEqualTo(new Shape(16, 16, 1, 1));
            // b1: 4 groups keep 2 of 5 (8 channels); a multiple of 16 needs 4 per group, rounding
            // down leaves none, so the groups stay whole, as does the stem (8 rounds down to 0).
            assertThat(weight(g, "b1.conv2")).isEqualTo(new Shape(20, 5, 3, 3));
            assertThat(weight(g, "stem")).isEqualTo(new Shape(16, 3, 3, 3));
            assertThat(weight(g, "b2.conv3")).isEqualTo(new Shape(16, 16, 1, 1));
        }
    }

    @Test
    void aGroupRemovingDifferentPositionsFromTheConvGroupsIsRefused() {
        try (Graph g = resnext()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group uneven = dg.getPruningGroup(g.node("b1.conv1"), PruningHandle.PRUNE_OUT, IndexSet.of(0, 6));
            assertThat(uneven.members()).extracting(mb -> mb.node().name())
                    .containsExactly("b1.conv1", "b1.bn1", "b1.relu1", "b1.conv2");
            assertThat(dg.problem(uneven)).contains("node 'b1.conv2' (conv2d): grouped convolution needs"
                    + " the same positions removed from each of its 4 groups of 5, the removed channels"
                    + " [0, 6] are not");
            Group unequal = dg.getPruningGroup(g.node("b1.conv2"), PruningHandle.PRUNE_OUT, IndexSet.of(0, 1, 5));
            assertThat(dg.problem(unequal)).contains("node 'b1.conv2' (conv2d): grouped convolution needs"
                    + " an equal number of channels from each of its 4 groups of 5, the removed channels"
                    + " [0, 1, 5] take [2, 1, 0, 0]");
            Group even = dg.getPruningGroup(g.node("b1.conv1"), PruningHandle.PRUNE_OUT, IndexSet.of(1, 6, 11, 16));
            assertThat(dg.checkPruningGroup(even)).isTrue();
            even.prune();
            assertThat(weight(g, "b1.conv2")).isEqualTo(new Shape(20, 4, 3, 3));
            assertThat(g.node("b1.conv2").input().shape()).isEqualTo(new Shape(1, 16, 16, 16));
        }
    }
}
