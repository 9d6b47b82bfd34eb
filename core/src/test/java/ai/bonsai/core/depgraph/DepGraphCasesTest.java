package ai.bonsai.core.depgraph;

import static ai.bonsai.core.testing.ConvAttributes.conv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The DepGraph cases of Torch-Pruning's test suite, one named test each: the group's members,
 * the shapes after pruning, and, where the equivalence holds, that the pruned model computes what
 * the original computes with the same group masked.
 */
class DepGraphCasesTest {

    private static GraphBuilder builder() {
        return PluginHost.classpathOnly().newGraphBuilder("t", 11);
    }

    private static List<String> members(Group g) {
        return g.members().stream()
                .map(m -> m.node().name() + ":" + (m.handle() == PruningHandle.PRUNE_OUT ? "out" : "in") + m.idxs())
                .collect(Collectors.toList());
    }

    private static Group group(Graph g, String root, int... idxs) {
        return DependencyGraph.build(g).getPruningGroup(g.node(root), PruningHandle.PRUNE_OUT, IndexSet.of(idxs));
    }

    /**
     * Prunes a group on one copy of a model and masks it on another, runs both on the same random
     * inputs and checks that every output agrees.
     *
     * @return the pruned copy, to close
     */
    static Graph pruneMatchingMask(Supplier<Graph> model, String root, int... idxs) {
        Graph pruned = model.get();
        try (Graph masked = model.get(); NDManager m = NDManager.newBaseManager()) {
            group(masked, root, idxs).mask();
            DependencyGraph dg = DependencyGraph.build(pruned);
            Group g = dg.getPruningGroup(pruned.node(root), PruningHandle.PRUNE_OUT, IndexSet.of(idxs));
            assertThat(dg.problem(g)).isEmpty();
            g.prune();
            NDList inputs = new NDList();
            pruned.inputs().forEach(v -> inputs.add(m.randomNormal(v.shape())));
            NDList expected = new GraphExecutor(masked).forward(inputs);
            NDList actual = new GraphExecutor(pruned).forward(inputs);
            for (int k = 0; k < expected.size(); k++) {
                NDArray e = expected.get(k);
                assertThat(actual.get(k).getShape()).isEqualTo(e.getShape());
                assertThat(actual.get(k).sub(e).abs().max().getFloat()).as("output %d", k).isLessThan(1e-4f);
            }
        }
        return pruned;
    }

    private static Graph cascadedConcat() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 6, 6));
        Value inner = b.concat("cat1", 1, b.conv2d("a", x, 4, 3, 1, 1), b.conv2d("b", x, 5, 3, 1, 1));
        Value outer = b.concat("cat2", 1, b.conv2d("c", x, 3, 3, 1, 1), b.relu("relu", inner));
        b.output(b.conv2d("head", outer, 2, 1, 1, 0));
        return b.build();
    }

    @Test
    void cascadedConcatAddsTheOffsetsOfBothLevels() {
        try (Graph g = cascadedConcat()) {
            assertThat(members(group(g, "b", 0, 4))).containsExactly("b:out[0, 4]", "cat1:out[4, 8]",
                    "relu:out[4, 8]", "cat2:out[7, 11]", "head:in[7, 11]");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::cascadedConcat, "b", 0, 4)) {
            assertThat(g.node("cat2").output().shape()).isEqualTo(new Shape(1, 10, 6, 6));
            assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(2, 10, 1, 1));
            assertThat(members(group(g, "b", 2))).contains("cat2:out[9]", "head:in[9]");
        }
    }

    private static Graph concatThenSplit() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 6, 6));
        Value cat = b.concat("cat", 1, b.conv2d("a", x, 4, 3, 1, 1), b.conv2d("b", x, 6, 3, 1, 1));
        List<Value> halves = b.node("split", "split", Attributes.of().with("dim", 1).with("sizes", new long[] {5, 5}), cat);
        b.output(b.conv2d("p", halves.get(0), 2, 1, 1, 0), b.conv2d("q", halves.get(1), 2, 1, 1, 0));
        return b.build();
    }

    @Test
    void concatThenSplitMapsEachChannelToItsPiece() {
        try (Graph g = concatThenSplit()) {
            assertThat(members(group(g, "b", 0, 5))).containsExactly("b:out[0, 5]", "cat:out[4, 9]",
                    "split:out[4, 9]", "p:in[4]", "q:in[4]");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::concatThenSplit, "b", 0, 5)) {
            assertThat(g.node("split").attributes().getLongs("sizes")).containsExactly(4, 4);
            assertThat(g.node("p").parameter("weight").shape()).isEqualTo(new Shape(2, 4, 1, 1));
            assertThat(g.node("q").parameter("weight").shape()).isEqualTo(new Shape(2, 4, 1, 1));
        }
    }

    private static Graph concatAlongSpace() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 4, 4));
        Value tall = b.concat("cat", 2, b.conv2d("a", x, 5, 3, 1, 1), b.conv2d("b", x, 5, 3, 1, 1));
        b.output(b.conv2d("head", tall, 2, 3, 1, 1));
        return b.build();
    }

    @Test
    void concatAlongANonChannelDimensionCouplesTheInputsChannelsOneToOne() {
        try (Graph g = concatAlongSpace()) {
            assertThat(members(group(g, "a", 3))).containsExactlyInAnyOrder("a:out[3]", "cat:out[3]",
                    "b:out[3]", "head:in[3]");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::concatAlongSpace, "a", 1, 3)) {
            assertThat(g.node("cat").output().shape()).isEqualTo(new Shape(1, 3, 8, 4));
            assertThat(g.node("b").parameter("weight").shape()).isEqualTo(new Shape(3, 3, 3, 3));
        }
    }

    private static Graph reshapeIntoLinear() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 4, 4));
        Value features = b.op("reshape", "view", Attributes.of().with("shape", new long[] {-1, 64}),
                b.conv2d("conv", x, 4, 3, 1, 1));
        b.output(b.linear("fc", b.relu("relu", b.linear("hidden", features, 6)), 3));
        return b.build();
    }

    @Test
    void reshapeAndFlattenIntoLinearExpandEachChannelIntoItsFeatures() {
        try (Graph g = reshapeIntoLinear()) {
            String features = IntStream.range(32, 48).boxed().collect(Collectors.toList()).toString();
            assertThat(members(group(g, "conv", 2))).containsExactly("conv:out[2]",
                    "view:out" + features, "hidden:in" + features);
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::reshapeIntoLinear, "conv", 0, 2)) {
            assertThat(g.node("view").attributes().getLongs("shape")).containsExactly(-1, 32);
            assertThat(g.node("hidden").parameter("weight").shape()).isEqualTo(new Shape(6, 32));
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::reshapeIntoLinear, "hidden", 1, 4)) {
            assertThat(g.node("fc").parameter("weight").shape()).isEqualTo(new Shape(3, 4));
        }
    }

    private static Graph headsRoundTrip() {
        GraphBuilder b = builder();
        Value v = b.linear("v", b.input("x", new Shape(2, 3, 5)), 8);
        Value heads = b.op("reshape", "split_heads", Attributes.of().with("shape", new long[] {-1, 3, 4, 2}), v);
        Value merged = b.op("reshape", "merge_heads", Attributes.of().with("shape", new long[] {-1, 3, 8}),
                b.unary("gelu", "act", heads));
        b.output(b.linear("proj", merged, 4));
        return b.build();
    }

    @Test
    void reshapeIntoHeadsTimesHeadDimPrunesWholeHeads() {
        try (Graph g = headsRoundTrip()) {
            assertThat(members(group(g, "v", 3))).containsExactly("v:out[2, 3]", "split_heads:out[2, 3]",
                    "act:out[1]", "merge_heads:out[2, 3]", "proj:in[2, 3]");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::headsRoundTrip, "v", 0, 1, 6, 7)) {
            assertThat(g.node("split_heads").attributes().getLongs("shape")).containsExactly(-1, 3, 2, 2);
            assertThat(g.node("act").output().shape()).isEqualTo(new Shape(2, 3, 2, 2));
            assertThat(g.node("merge_heads").attributes().getLongs("shape")).containsExactly(-1, 3, 4);
            assertThat(g.node("proj").parameter("weight").shape()).isEqualTo(new Shape(4, 4));
        }
    }

    private static Graph twoInTwoOut() {
        GraphBuilder b = builder();
        Value rgb = b.input("rgb", new Shape(1, 3, 6, 6));
        Value depth = b.input("depth", new Shape(1, 1, 6, 6));
        Value fused = b.add("fuse", b.conv2d("a", rgb, 6, 3, 1, 1), b.conv2d("b", depth, 6, 3, 1, 1));
        b.output(b.conv2d("seg", fused, 4, 1, 1, 0), b.conv2d("edge", fused, 1, 1, 1, 0));
        return b.build();
    }

    @Test
    void multipleInputsAndMultipleOutputs() {
        try (Graph g = twoInTwoOut()) {
            assertThat(members(group(g, "a", 5))).containsExactlyInAnyOrder("a:out[5]", "fuse:out[5]",
                    "b:out[5]", "seg:in[5]", "edge:in[5]");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::twoInTwoOut, "b", 0, 3)) {
            assertThat(g.node("a").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(g.outputs().get(0).shape()).isEqualTo(new Shape(1, 4, 6, 6));
            assertThat(g.outputs().get(1).shape()).isEqualTo(new Shape(1, 1, 6, 6));
        }
    }

    @Test
    void anOutputThatIsItselfAPrunableChannelDimensionIsNeverPruned() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 6, 6));
        Value features = b.conv2d("features", x, 8, 3, 1, 1);
        Value hidden = b.conv2d("hidden", features, 6, 3, 1, 1);
        b.output(b.relu("relu", features), b.conv2d("logits", hidden, 5, 1, 1, 0));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group f = group(g, "features", 0);
            assertThat(dg.problem(f)).get().asString()
                    .isEqualTo("prune_out_channels on 'relu' cannot be pruned: its output 'relu' is a graph output");
            assertThatThrownBy(f::prune).isInstanceOf(PruningException.class).hasMessageContaining("graph output");
            List<String> roots = new ArrayList<>();
            dg.getAllGroups(n -> false, Set.of("conv2d")).forEach(gr -> roots.add(gr.root().node().name()));
            assertThat(roots).containsExactly("hidden");
            assertThat(g.node("features").parameter("weight").shape()).isEqualTo(new Shape(8, 3, 3, 3));
        }
    }

    private static Graph singleChannel() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 6, 6));
        Value gate = b.unary("sigmoid", "gate", b.conv2d("score", x, 1, 3, 1, 1));
        Value features = b.conv2d("features", x, 4, 3, 1, 1);
        b.output(b.conv2d("mono", b.binary("mul", "mul", features, gate), 1, 1, 1, 0));
        return b.build();
    }

    @Test
    void singleChannelOutputsStayAndTheRestPrunes() {
        try (Graph g = singleChannel()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group score = group(g, "score", 0);
            assertThat(dg.checkPruningGroup(score)).isFalse();
            assertThat(dg.problem(score)).get().asString().contains("'score'");
            List<String> roots = new ArrayList<>();
            dg.getAllGroups(n -> false, Set.of("conv2d")).forEach(gr -> roots.add(gr.root().node().name()));
            assertThat(roots).doesNotContain("mono", "score").contains("features");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::singleChannel, "features", 1)) {
            assertThat(g.node("mono").parameter("weight").shape()).isEqualTo(new Shape(1, 3, 1, 1));
            assertThat(g.node("score").parameter("weight").shape()).isEqualTo(new Shape(1, 3, 3, 3));
        }
    }

    private static Graph withUnusedParts() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 6, 6));
        b.conv2d("unused", x, 4, 3, 1, 1);
        b.op("parameter", "unused_scale", Attributes.of().with("shape", new long[] {7}));
        b.output(b.conv2d("head", b.relu("relu", b.conv2d("stem", x, 6, 3, 1, 1)), 2, 1, 1, 0));
        return b.build();
    }

    @Test
    void unusedParametersAndNodesDoNotJoinGroupsAndPruneAlone() {
        try (Graph g = withUnusedParts()) {
            assertThat(members(group(g, "stem", 1))).containsExactly("stem:out[1]", "relu:out[1]", "head:in[1]");
            assertThat(members(group(g, "unused", 1))).containsExactly("unused:out[1]");
            assertThat(members(group(g, "unused_scale", 1))).containsExactly("unused_scale:out[1]");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::withUnusedParts, "unused", 0, 1)) {
            assertThat(g.node("unused").parameter("weight").shape()).isEqualTo(new Shape(2, 3, 3, 3));
            group(g, "unused_scale", 6).prune();
            assertThat(g.parameters().get("unused_scale").shape()).isEqualTo(new Shape(6));
        }
    }

    private static Graph tokens() {
        GraphBuilder b = builder();
        Value patches = b.linear("embed", b.input("x", new Shape(1, 4, 6)), 8);
        Value cls = b.op("parameter", "cls_token", Attributes.of().with("shape", new long[] {1, 1, 8}));
        Value seq = b.concat("cat", 1, cls, patches);
        Value pos = b.op("parameter", "pos_embed", Attributes.of().with("shape", new long[] {1, 5, 8}));
        Value scaled = b.binary("mul", "ls", b.add("add_pos", seq, pos),
                b.op("parameter", "gamma", Attributes.of().with("shape", new long[] {8})));
        b.output(b.linear("head", scaled, 3));
        return b.build();
    }

    @Test
    void unwrappedParametersArePrunedWithTheChannelsTheyMeet() {
        try (Graph g = tokens()) {
            assertThat(members(group(g, "embed", 2, 5))).containsExactlyInAnyOrder("embed:out[2, 5]",
                    "cat:out[2, 5]", "cls_token:out[2, 5]", "add_pos:out[2, 5]", "pos_embed:out[2, 5]",
                    "ls:out[2, 5]", "gamma:out[2, 5]", "head:in[2, 5]");
            List<String> roots = new ArrayList<>();
            DependencyGraph.build(g).getAllGroups(n -> n.name().equals("head"), Set.of("linear", "parameter"))
                    .forEach(gr -> roots.add(gr.root().node().name()));
            // one group, rooted at its first member in Torch-Pruning's tracing order
            assertThat(roots).containsExactly("gamma");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::tokens, "pos_embed", 2, 5)) {
            assertThat(g.parameters().get("cls_token").shape()).isEqualTo(new Shape(1, 1, 6));
            assertThat(g.parameters().get("pos_embed").shape()).isEqualTo(new Shape(1, 5, 6));
            assertThat(g.parameters().get("gamma").shape()).isEqualTo(new Shape(6));
            assertThat(g.parameters().get("head.weight").shape()).isEqualTo(new Shape(3, 6));
        }
    }

    private static Graph broadcast() {
        GraphBuilder b = builder();
        Value wide = b.op("conv1d", "wide", conv(1, 6, 1, 1, 0, 1, true), b.input("x", new Shape(1, 3, 1)));
        Value row = b.linear("row", b.input("y", new Shape(1, 1, 2)), 5);
        b.output(b.op("conv1d", "head", conv(1, 2, 1, 1, 0, 1, true), b.add("add", wide, row)));
        return b.build();
    }

    @Test
    void broadcastingBetweenTensorsOfDifferentWidthsDoesNotCoupleThem() {
        try (Graph g = broadcast()) {
            assertThat(g.node("add").output().shape()).isEqualTo(new Shape(1, 6, 5));
            DependencyGraph dg = DependencyGraph.build(g);
            assertThat(members(group(g, "wide", 4))).containsExactly("wide:out[4]", "add:out[4]", "head:in[4]");
            Group row = group(g, "row", 0);
            assertThat(members(row)).containsExactly("row:out[0]");
            assertThat(dg.problem(row)).get().asString()
                    .contains("reaches input 1 of 'add' (add), which does not carry its channels");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::broadcast, "wide", 0, 4)) {
            assertThat(g.node("add").output().shape()).isEqualTo(new Shape(1, 4, 5));
            assertThat(g.node("row").parameter("weight").shape()).isEqualTo(new Shape(5, 2));
        }
    }

    private static Graph convolutions() {
        GraphBuilder b = builder();
        Value x = b.op("conv3d", "c3", conv(3, 4, 3, 1, 1, 1, true), b.input("v", new Shape(1, 2, 3, 4, 4)));
        Value planes = b.op("reshape", "fold", Attributes.of().with("shape", new long[] {-1, 4, 3, 16}), x);
        Value down = b.op("conv2d", "down", conv(2, 6, 3, 2, 1, 1, true), planes);
        Value up = b.op("conv_transpose2d", "up", conv(2, 5, 2, 2, 0, 1, true), down);
        Value dw = b.op("conv_transpose2d", "dw_up", conv(2, 5, 3, 1, 1, 5, true), up);
        Value seq = b.op("reshape", "rows", Attributes.of().with("shape", new long[] {-1, 5, 64}), dw);
        Value t = b.op("conv_transpose1d", "t1", conv(1, 3, 3, 2, 1, 1, true), b.op("conv1d", "c1", conv(1, 4, 3, 1, 1, 1, true), seq));
        b.output(b.op("conv1d", "head", conv(1, 2, 1, 1, 0, 1, true), t));
        return b.build();
    }

    @Test
    void convolutionsOfEveryRankAndTransposedOnesChainTheirChannels() {
        try (Graph g = convolutions()) {
            assertThat(g.node("up").output().shape()).isEqualTo(new Shape(1, 5, 4, 16));
            assertThat(members(group(g, "c3", 1))).containsExactly("c3:out[1]", "fold:out[1]", "down:in[1]");
            assertThat(members(group(g, "up", 0, 3))).containsExactly("up:out[0, 3]", "dw_up:out[0, 3]",
                    "rows:out[0, 3]", "c1:in[0, 3]");
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::convolutions, "down", 2, 5)) {
            assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(4, 5, 2, 2));
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::convolutions, "up", 0, 3)) {
            assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(6, 3, 2, 2));
            assertThat(g.node("dw_up").attributes().getLong("groups")).isEqualTo(3);
            assertThat(g.node("rows").attributes().getLongs("shape")).containsExactly(-1, 3, 64);
        }
        try (Graph g = pruneMatchingMask(DepGraphCasesTest::convolutions, "t1", 1)) {
            assertThat(g.node("t1").parameter("weight").shape()).isEqualTo(new Shape(4, 2, 3));
            assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(2, 2, 1));
        }
    }

    @Test
    void pruningThroughAnOpWithoutChannelSemanticsIsAClearError() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 4, 6, 6));
        Value softmax = b.op("softmax", "softmax", Attributes.of().with("dim", 1L), b.conv2d("a", x, 8, 3, 1, 1));
        b.output(b.conv2d("head", softmax, 2, 1, 1, 0));
        try (Graph g = b.build()) {
            Group a = group(g, "a", 0);
            assertThatThrownBy(a::prune).isInstanceOf(PruningException.class)
                    .hasMessage("prune_out_channels on 'a' cannot be pruned: its output 'a' reaches input 0"
                            + " of 'softmax' (softmax), which does not carry its channels");
            assertThatThrownBy(() -> group(g, "a", 8)).isInstanceOf(PruningException.class)
                    .hasMessage("index 8 is out of range for prune_out_channels on 'a' (8 channels)");
            assertThat(g.node("a").parameter("weight").shape()).isEqualTo(new Shape(8, 4, 3, 3));
        }
    }
}
