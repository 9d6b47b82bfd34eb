package ai.bonsai.core.depgraph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** DepGraph through the shape ops: slice, chunk, unbind, permute, transpose, reshape, expand, matmul. */
class ShapeOpsDependencyTest {

    private static GraphBuilder builder() {
        return PluginHost.classpathOnly().newGraphBuilder("t", 1);
    }

    private static List<String> members(Group g) {
        return g.members().stream()
                .map(m -> m.node().name() + ":" + (m.handle() == PruningHandle.PRUNE_OUT ? "out" : "in") + m.idxs())
                .collect(Collectors.toList());
    }

    private static Group prune(Graph g, String root, int... idxs) {
        DependencyGraph dg = DependencyGraph.build(g);
        Group group = dg.getPruningGroup(g.node(root), PruningHandle.PRUNE_OUT, IndexSet.of(idxs));
        assertThat(dg.checkPruningGroup(group)).as(dg.problem(group).orElse("")).isTrue();
        group.prune();
        return group;
    }

    private static void runs(Graph g) {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape s = g.inputs().get(0).shape();
            NDList out = new GraphExecutor(g).forward(new NDList(m.randomNormal(s)));
            assertThat(out.head().getShape()).isEqualTo(g.outputs().get(0).shape());
        }
    }

    private static Shape weight(Graph g, String node) {
        return g.node(node).parameter("weight").shape();
    }

    @Test
    void channelSliceKeepsItsOffsetWhenChannelsAroundItGo() {
        GraphBuilder b = builder();
        Value a = b.conv2d("a", b.input("x", new Shape(1, 3, 8, 8)), 8, 3, 1, 1);
        Value s = b.op("slice", "slice", Attributes.of().with("dim", 1).with("start", 2)
                .with("end", 6), a);
        b.output(b.conv2d("b", s, 2, 3, 1, 1));
        try (Graph g = b.build()) {
            Group group = prune(g, "a", 0, 3, 7);
            assertThat(members(group)).containsExactly("a:out[0, 3, 7]", "slice:out[0, 3, 7]", "b:in[1]");
            assertThat(weight(g, "a")).isEqualTo(new Shape(5, 3, 3, 3));
            assertThat(g.node("slice").attributes().getLong("start")).isEqualTo(1);
            assertThat(g.node("slice").attributes().getLong("end")).isEqualTo(4);
            assertThat(s.shape()).isEqualTo(new Shape(1, 3, 8, 8));
            assertThat(weight(g, "b")).isEqualTo(new Shape(2, 3, 3, 3));
            runs(g);
        }
    }

    @Test
    void chunksCombinedElementwisePruneTogetherAndStayEqual() {
        GraphBuilder b = builder();
        Value a = b.conv2d("a", b.input("x", new Shape(1, 3, 8, 8)), 8, 3, 1, 1);
        List<Value> parts = b.node("chunk", "chunk", Attributes.of().with("chunks", 2).with("dim", 1), a);
        b.output(b.conv2d("b", b.binary("mul", "gate", parts.get(0), parts.get(1)), 2, 1, 1, 0));
        try (Graph g = b.build()) {
            Group group = prune(g, "a", 1);
            assertThat(members(group)).containsExactlyInAnyOrder(
                    "a:out[1, 5]", "chunk:out[1, 5]", "gate:out[1]", "b:in[1]");
            assertThat(weight(g, "a")).isEqualTo(new Shape(6, 3, 3, 3));
            assertThat(parts).extracting(Value::shape).containsOnly(new Shape(1, 3, 8, 8));
            assertThat(weight(g, "b")).isEqualTo(new Shape(2, 3, 1, 1));
            runs(g);
        }
    }

    @Test
    void unbindOutputsShareTheChannels() {
        GraphBuilder b = builder();
        Value fc = b.linear("fc", b.input("x", new Shape(2, 3, 5)), 6);
        List<Value> rows = b.node("unbind", "unbind", Attributes.of().with("dim", 1), fc);
        Value sum = b.add("s2", b.add("s1", rows.get(0), rows.get(1)), rows.get(2));
        b.output(b.linear("head", sum, 4));
        try (Graph g = b.build()) {
            Group group = prune(g, "fc", 1);
            assertThat(members(group)).containsExactlyInAnyOrder("fc:out[1]", "unbind:out[1]",
                    "s1:out[1]", "s2:out[1]", "head:in[1]");
            assertThat(weight(g, "fc")).isEqualTo(new Shape(5, 5));
            assertThat(rows).extracting(Value::shape).containsOnly(new Shape(2, 5));
            assertThat(weight(g, "head")).isEqualTo(new Shape(4, 5));
            runs(g);
        }
    }

    @Test
    void permuteAndTransposeMoveTheChannelDimension() {
        GraphBuilder b = builder();
        Value a = b.conv2d("a", b.input("x", new Shape(1, 3, 4, 4)), 6, 3, 1, 1);
        Value last = b.op("permute", "permute", Attributes.of().with("dims", new long[] {0, 2, 3, 1}), a);
        Value fc = b.linear("fc", last, 5);
        Value first = b.op("transpose", "transpose", Attributes.of().with("dim0", 1).with("dim1", 3), fc);
        b.output(b.conv2d("b", first, 2, 1, 1, 0));
        try (Graph g = b.build()) {
            assertThat(members(prune(g, "a", 2))).containsExactly("a:out[2]", "permute:out[2]", "fc:in[2]");
            assertThat(members(prune(g, "fc", 0, 4)))
                    .containsExactly("fc:out[0, 4]", "transpose:out[0, 4]", "b:in[0, 4]");
            assertThat(last.shape()).isEqualTo(new Shape(1, 4, 4, 5));
            assertThat(weight(g, "fc")).isEqualTo(new Shape(3, 5));
            assertThat(first.shape()).isEqualTo(new Shape(1, 3, 4, 4));
            assertThat(weight(g, "b")).isEqualTo(new Shape(2, 3, 1, 1));
            runs(g);
        }
    }

    @Test
    void flatteningReshapeExpandsChannelsIntoFeatures() {
        GraphBuilder b = builder();
        Value a = b.conv2d("a", b.input("x", new Shape(1, 3, 2, 2)), 4, 3, 1, 1);
        Value flat = b.op("reshape", "reshape", Attributes.of().with("shape", new long[] {1, 16}), a);
        b.output(b.linear("fc", flat, 3));
        try (Graph g = b.build()) {
            assertThat(members(prune(g, "a", 1)))
                    .containsExactly("a:out[1]", "reshape:out[4, 5, 6, 7]", "fc:in[4, 5, 6, 7]");
            assertThat(g.node("reshape").attributes().getLongs("shape")).containsExactly(1, 12);
            assertThat(flat.shape()).isEqualTo(new Shape(1, 12));
            assertThat(weight(g, "fc")).isEqualTo(new Shape(3, 12));
            runs(g);
        }
    }

    @Test
    void expandCarriesChannelsAndUpdatesItsShape() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 4, 4));
        Value pooled = b.adaptiveAvgPool2d("pool", b.conv2d("a", x, 6, 3, 1, 1), 1, 1);
        Value wide = b.op("expand", "expand",
                Attributes.of().with("shape", new long[] {1, 6, 4, 4}), pooled);
        b.output(b.conv2d("b", wide, 2, 1, 1, 0));
        try (Graph g = b.build()) {
            assertThat(members(prune(g, "a", 0, 5)))
                    .containsExactly("a:out[0, 5]", "pool:out[0, 5]", "expand:out[0, 5]", "b:in[0, 5]");
            assertThat(g.node("expand").attributes().getLongs("shape")).containsExactly(1, 4, 4, 4);
            assertThat(wide.shape()).isEqualTo(new Shape(1, 4, 4, 4));
            assertThat(weight(g, "b")).isEqualTo(new Shape(2, 4, 1, 1));
            runs(g);
        }
    }

    @Test
    void matmulPinsBothOperands() {
        GraphBuilder b = builder();
        Value q = b.linear("q", b.input("x", new Shape(1, 4, 8)), 8);
        Value k = b.op("transpose", "kt", Attributes.of().with("dim0", 1).with("dim1", 2),
                b.linear("k", q, 8));
        b.output(b.op("matmul", "scores", Attributes.of(), q, k));
        try (Graph g = b.build()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("k"), PruningHandle.PRUNE_OUT, IndexSet.of(0));
            assertThat(dg.checkPruningGroup(group)).isFalse();
            assertThat(dg.problem(group)).get().asString().contains("scores");
            runs(g);
        }
    }
}
