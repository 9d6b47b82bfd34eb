package ai.bonsai.core.depgraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** DepGraph cases ported in spirit from Torch-Pruning's test suite. */
class DependencyGraphTest {

    private static GraphBuilder builder() {
        return PluginHost.classpathOnly().newGraphBuilder("t", 1);
    }

    private static List<String> members(Group g) {
        return g.members().stream()
                .map(m -> m.node().name() + ":" + (m.handle() == PruningHandle.PRUNE_OUT ? "out" : "in") + m.idxs())
                .collect(Collectors.toList());
    }

    private static void runs(Graph g) {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape s = g.inputs().get(0).shape();
            NDList out = new GraphExecutor(g).forward(new NDList(m.randomNormal(s)));
            assertThat(out.head().getShape()).isEqualTo(g.outputs().get(0).shape());
        }
    }

    @Test
    void concatOffsetsAndFlattenExpansion() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value a = b.conv2d("a", x, 4, 3, 1, 1);
        Value c = b.conv2d("c", x, 6, 3, 1, 1);
        Value cat = b.concat("cat", 1, a, c);
        Value pooled = b.adaptiveAvgPool2d("pool", cat, 2, 2);
        b.output(b.linear("fc", b.flatten("flatten", pooled), 5));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("c"), PruningHandle.PRUNE_OUT, IndexSet.of(1, 4));
            assertThat(members(group)).containsExactly(
                    "c:out[1, 4]", "cat:out[5, 8]", "pool:out[5, 8]",
                    "flatten:out[20, 21, 22, 23, 32, 33, 34, 35]",
                    "fc:in[20, 21, 22, 23, 32, 33, 34, 35]");
            GroupMember fc = group.members().get(4);
            assertThat(fc.rootIdxs()).containsExactly(1, 1, 1, 1, 4, 4, 4, 4);
            assertThat(group.toString()).contains(
                    "[0] prune_out_channels on c => prune_out_channels on c, idxs=[1, 4]",
                    "[4] prune_out_channels on flatten => prune_in_channels on fc, idxs=[20, 21, 22, 23, 32, 33, 34, 35]");
            assertThat(dg.checkPruningGroup(group)).isTrue();
            group.prune();
            assertThat(g.node("c").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(g.node("fc").parameter("weight").shape()).isEqualTo(new Shape(5, 32));
            assertThat(g.node("cat").output().shape()).isEqualTo(new Shape(1, 8, 8, 8));
            Group again = dg.getPruningGroup(g.node("c"), PruningHandle.PRUNE_OUT, IndexSet.of(0));
            assertThat(members(again)).contains("cat:out[4]", "fc:in[16, 17, 18, 19]");
            runs(g);
        }
    }

    @Test
    void residualAddCouplesBothBranchesAndDepthwiseIsCoupled() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value stem = b.relu("relu", b.batchNorm("bn", b.conv2d("stem", x, 8, 3, 1, 1)));
        Value body = b.conv2d("body", stem, 8, 3, 1, 1);
        Value sum = b.add("add", body, stem);
        Value dw = b.conv2d("dw", sum, 8, 3, 1, 1, 1, 8, false);
        b.output(b.conv2d("head", dw, 4, 1, 1, 0));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("stem"), PruningHandle.PRUNE_OUT, IndexSet.of(3));
            Set<String> touched = group.members().stream()
                    .map(m -> m.node().name() + ":" + m.handle().label()).collect(Collectors.toSet());
            assertThat(touched).containsExactlyInAnyOrder(
                    "stem:prune_out_channels", "bn:prune_out_channels", "relu:prune_out_channels",
                    "body:prune_in_channels", "add:prune_out_channels", "body:prune_out_channels",
                    "dw:prune_out_channels", "head:prune_in_channels");
            group.prune();
            assertThat(g.node("dw").attributes().getLong("groups")).isEqualTo(7);
            assertThat(g.node("dw").parameter("weight").shape()).isEqualTo(new Shape(7, 1, 3, 3));
            runs(g);
        }
    }

    @Test
    void refusesToEmptyALayerOrToIndexOutOfRange() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        b.output(b.conv2d("b", b.conv2d("a", x, 4, 3, 1, 1), 2, 3, 1, 1));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group all = dg.getPruningGroup(g.node("a"), PruningHandle.PRUNE_OUT, IndexSet.range(4));
            assertThat(dg.checkPruningGroup(all)).isFalse();
            assertThatThrownBy(all::prune)
                    .isInstanceOf(PruningException.class)
                    .hasMessage("prune_out_channels on 'a' would remove all 4 channels; at least one must remain");
            assertThat(g.node("a").parameter("weight").shape().get(0)).isEqualTo(4);
            assertThatThrownBy(() -> dg.getPruningGroup(g.node("a"), PruningHandle.PRUNE_OUT, IndexSet.of(4)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("index 4 is out of range for prune_out_channels on 'a' (4 channels)");
        }
    }

    @Test
    void aGroupAnOpRefusesInsideItsPruningFunctionIsRefusedBeforeAnythingChanges() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value p = b.conv2d("p", x, 8, 3, 1, 1);
        List<Value> halves = b.node("chunk", "chunk",
                ai.bonsai.api.graph.Attributes.of().with("chunks", 2).with("dim", 1), p);
        Value a = b.conv2d("a", halves.get(0), 4, 1, 1, 0);
        Value c = b.conv2d("c", halves.get(1), 4, 1, 1, 0);
        b.output(b.conv2d("out", b.concat("cat", 1, a, c), 2, 1, 1, 0));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group uneven = dg.getPruningGroup(g.node("p"), PruningHandle.PRUNE_OUT, IndexSet.of(0));
            assertThat(dg.checkPruningGroup(uneven)).isFalse();
            assertThat(dg.problem(uneven)).get().asString().contains("chunk");
            assertThatThrownBy(uneven::prune).isInstanceOf(PruningException.class);
            assertThat(g.node("p").parameter("weight").shape().get(0)).isEqualTo(8);
            assertThat(g.node("a").parameter("weight").shape().get(1)).isEqualTo(4);
            Group even = dg.getPruningGroup(g.node("p"), PruningHandle.PRUNE_OUT, IndexSet.of(0, 5));
            even.prune();
            assertThat(g.node("chunk").outputs().get(1).shape()).isEqualTo(new Shape(1, 3, 8, 8));
            runs(g);
        }
    }

    @Test
    void emptyingOneSplitPieceIsRefusedAndLeavesTheGraphUntouched() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 4));
        Value fc = b.linear("fc", x, 3, false);
        List<Value> parts = b.node("split", "split",
                ai.bonsai.api.graph.Attributes.of().with("dim", 1).with("sizes", new long[] {2, 1}), fc);
        b.output(b.linear("head", b.concat("cat", 1, parts.get(0), parts.get(1)), 5));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("fc"), PruningHandle.PRUNE_OUT, IndexSet.of(2));
            assertThat(dg.checkPruningGroup(group)).isFalse();
            assertThatThrownBy(group::prune).isInstanceOf(PruningException.class)
                    .hasMessageContaining("split");
            assertThat(g.node("fc").parameter("weight").shape()).isEqualTo(new Shape(3, 4));
            assertThat(g.node("split").attributes().getLongs("sizes")).containsExactly(2, 1);
        }
    }

    @Test
    void graphOutputsAndInputsPinTheirChannels() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 4, 8, 8));
        Value y = b.conv2d("conv", x, 4, 3, 1, 1);
        b.output(b.add("add", y, x));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("conv"), PruningHandle.PRUNE_OUT, IndexSet.of(0));
            assertThat(dg.checkPruningGroup(group)).isFalse();
            assertThat(dg.problem(group)).get().asString().contains("graph");
            assertThat(dg.getAllGroups(n -> false, Set.of("conv2d"))).isEmpty();
        }
    }

    @Test
    void broadcastOperandOfWidthOneIsNotCoupled() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value features = b.conv2d("features", x, 6, 3, 1, 1);
        Value mask = b.unary("sigmoid", "gate", b.conv2d("mask", x, 1, 3, 1, 1));
        b.output(b.conv2d("head", b.binary("mul", "mul", features, mask), 2, 1, 1, 0));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("features"), PruningHandle.PRUNE_OUT, IndexSet.of(2));
            assertThat(members(group)).containsExactly("features:out[2]", "mul:out[2]", "head:in[2]");
            assertThat(dg.pinnedReason(g.node("gate"), PruningHandle.PRUNE_OUT)).get().asString()
                    .contains("reaches input 1 of 'mul' (mul), which does not carry its channels");
            group.prune();
            runs(g);
        }
    }

    @Test
    void allGroupsAreEnumeratedOnceAndSkipIgnoredLayers() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value a = b.relu("r", b.conv2d("a", x, 4, 3, 1, 1));
        Value s = b.add("add", b.conv2d("b", a, 4, 3, 1, 1), a);
        b.output(b.linear("fc", b.flatten("flat", b.adaptiveAvgPool2d("pool", s, 1, 1)), 3));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            List<String> roots = new ArrayList<>();
            dg.getAllGroups(n -> n.name().equals("fc"), Set.of("conv2d", "linear"))
                    .forEach(gr -> roots.add(gr.root().node().name()));
            assertThat(roots).containsExactly("b");
            List<String> ignoringB = new ArrayList<>();
            dg.getAllGroups(n -> n.name().equals("b"), Set.of("conv2d"))
                    .forEach(gr -> ignoringB.add(gr.root().node().name()));
            assertThat(ignoringB).isEmpty();
        }
    }
}
