package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.symbolic;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.ops.AttentionOp;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Self-attention as torch.onnx writes Hugging Face's BERT with {@code dynamic_axes}: batch and
 * sequence are symbolic, and each of the four Reshapes takes its target from the {@code Shape} of
 * an intermediate value ({@code Shape(x) → Gather 0 / Gather 1 → Unsqueeze → Concat(b, t, H, D)}
 * on each projection's output, {@code Concat(b, t, H·D)} on the transposed context). With the
 * input's sizes given, those shapes are known once inferred, so the block imports as one {@code
 * attention} and prunes by whole heads as the static export does; so does the scale torch.onnx
 * computes for {@code scaled_dot_product_attention} from the query heads' shape.
 */
class OnnxDynamicAttentionTest {

    private static final int E = 8;
    private static final int HEADS = 2;
    private static final int D = E / HEADS;

    @TempDir
    Path dir;

    /**
     * input [batch, seq, 8] → query, key, value (2 heads of 4), scores / 2, softmax, · value,
     * merge, out (8 → 8) → output [batch, seq, 8]. With {@code sdpa} the scores are scaled as
     * torch.onnx writes {@code scaled_dot_product_attention}: q and kᵀ each multiplied by
     * {@code Sqrt(1 / Sqrt(Cast(Slice(Shape(q heads), -1))))}, a scale computed from the shape of a
     * value inside the pattern.
     */
    static Path model(Path dir, boolean sdpa) {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(symbolic("input", "batch", "sequence", E))
                .addOutput(symbolic("output", "batch", "sequence", E))
                .addInitializer(scalarIndex("zero", 0)).addInitializer(scalarIndex("one", 1))
                .addInitializer(OnnxModels.int64s("axes", 0)).addInitializer(OnnxModels.int64s("heads", HEADS))
                .addInitializer(OnnxModels.int64s("head_size", D)).addInitializer(OnnxModels.int64s("all_heads", E))
                .addInitializer(TensorProto.newBuilder().setName("sqrt_d").setDataType(1).addFloatData(2f))
                .addInitializer(TensorProto.newBuilder().setName("unit").setDataType(1).addFloatData(1f))
                .addInitializer(OnnxModels.int64s("last", -1)).addInitializer(OnnxModels.int64s("end", Long.MAX_VALUE));
        for (String p : List.of("query", "key", "value", "out")) {
            g.addInitializer(weight("onnx::MatMul_" + p, p.hashCode(), E, E))
                    .addInitializer(weight("attention." + p + ".bias", p.hashCode() + 1, E));
        }
        String s = "/attention/self/";
        linear(g, "query", "input", "q");
        linear(g, "key", "input", "k");
        g.addNode(node("Reshape", s + "Reshape", List.of("k", target(g, s + "key", "k", "heads", "head_size")),
                List.of("k4")))
                .addNode(node("Transpose", s + "Transpose", List.of("k4"), List.of("kh"), ints("perm", 0, 2, 1, 3)));
        linear(g, "value", "input", "v");
        g.addNode(node("Reshape", s + "Reshape_1", List.of("v", target(g, s + "value", "v", "heads", "head_size")),
                List.of("v4")))
                .addNode(node("Transpose", s + "Transpose_1", List.of("v4"), List.of("vh"), ints("perm", 0, 2, 1, 3)))
                .addNode(node("Reshape", s + "Reshape_2", List.of("q",
                        target(g, s + "query", "q", "heads", "head_size")), List.of("q4")))
                .addNode(node("Transpose", s + "Transpose_2", List.of("q4"), List.of("qh"), ints("perm", 0, 2, 1, 3)))
                .addNode(node("Transpose", s + "Transpose_3", List.of("kh"), List.of("kt"), ints("perm", 0, 1, 3, 2)));
        if (sdpa) {
            g.addNode(node("Shape", s + "Shape", List.of("qh"), List.of("qh_shape")))
                    .addNode(node("Slice", s + "Slice", List.of("qh_shape", "last", "end"), List.of("d")))
                    .addNode(node("Cast", s + "Cast", List.of("d"), List.of("d_float"), integer("to", 1)))
                    .addNode(node("Sqrt", s + "Sqrt", List.of("d_float"), List.of("sqrt_d_float")))
                    .addNode(node("Div", s + "Div", List.of("unit", "sqrt_d_float"), List.of("scale")))
                    .addNode(node("Sqrt", s + "Sqrt_1", List.of("scale"), List.of("root")))
                    .addNode(node("Mul", s + "Mul", List.of("qh", "root"), List.of("qs")))
                    .addNode(node("Mul", s + "Mul_1", List.of("kt", "root"), List.of("ks")))
                    .addNode(node("MatMul", s + "MatMul", List.of("qs", "ks"), List.of("scaled")));
        } else {
            g.addNode(node("MatMul", s + "MatMul", List.of("qh", "kt"), List.of("scores")))
                    .addNode(node("Div", s + "Div", List.of("scores", "sqrt_d"), List.of("scaled")));
        }
        g.addNode(node("Softmax", s + "Softmax", List.of("scaled"), List.of("probs"), integer("axis", -1)))
                .addNode(node("MatMul", s + "MatMul_1", List.of("probs", "vh"), List.of("ctx")))
                .addNode(node("Transpose", s + "Transpose_4", List.of("ctx"), List.of("ctxt"), ints("perm", 0, 2, 1, 3)))
                .addNode(node("Reshape", s + "Reshape_3", List.of("ctxt", target(g, s + "merge", "ctxt", "all_heads")),
                        List.of("attended")));
        linear(g, "out", "attended", "output");
        return OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("dynamic_attention.onnx"));
    }

    private static TensorProto scalarIndex(String name, long v) {
        return TensorProto.newBuilder().setName(name).setDataType(7).addInt64Data(v).build();
    }

    /**
     * {@code x.size()[:2] + tail} as torch.onnx writes it: one Shape, a Gather and an Unsqueeze per
     * leading size, a Concat with the constant sizes.
     */
    private static String target(GraphProto.Builder g, String scope, String x, String... tail) {
        g.addNode(node("Shape", scope + "/Shape", List.of(x), List.of(x + "_shape")));
        List<String> parts = new ArrayList<>();
        for (String at : List.of("zero", "one")) {
            g.addNode(node("Gather", scope + "/Gather_" + at, List.of(x + "_shape", at), List.of(x + "_" + at),
                    integer("axis", 0)))
                    .addNode(node("Unsqueeze", scope + "/Unsqueeze_" + at, List.of(x + "_" + at, "axes"),
                            List.of(x + "_" + at + "_1d")));
            parts.add(x + "_" + at + "_1d");
        }
        parts.addAll(List.of(tail));
        g.addNode(node("Concat", scope + "/Concat", parts, List.of(x + "_target"), integer("axis", 0)));
        return x + "_target";
    }

    private static void linear(GraphProto.Builder g, String name, String in, String out) {
        String scope = "/attention/" + name + "/";
        g.addNode(node("MatMul", scope + "MatMul", List.of(in, "onnx::MatMul_" + name), List.of(out + "_mm")))
                .addNode(node("Add", scope + "Add", List.of("attention." + name + ".bias", out + "_mm"), List.of(out)));
    }

    private static Graph read(Path file, Shape input) {
        return new OnnxFormat().read(file, PluginHost.classpathOnly().newGraphBuilder("onnx", 0), Map.of("input", input));
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }

    @ParameterizedTest(name = "sdpa scale {0}")
    @ValueSource(booleans = {false, true})
    void shapeDerivedTargetsImportAsOneAttentionThatPrunesByWholeHeadsAndRunsAtOtherSizes(boolean sdpa)
            throws Exception {
        Path source = model(dir, sdpa);
        Path pruned = dir.resolve("dynamic_attention.pruned.onnx");
        Shape small = new Shape(1, 5, E);
        Shape other = new Shape(3, 7, E);
        try (Graph g = read(source, small); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name())
                    .containsExactly("linear", "linear", "linear", "attention", "linear");
            assertThat(g.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES, "");
            assertThat(g.node("attention.self").attributes().getLong("num_heads")).isEqualTo(HEADS);
            assertThat(g.node("attention.self").attributes().getDouble("scale")).isCloseTo(0.5, within(1e-6));
            assertThat(OpCounter.count(g).params()).as("4 linears of 8·8 + 8").isEqualTo(4 * (E * E + E));
            NDArray x = m.randomNormal(small);
            assertThat(Ort.maxAbsDiff(djl(g, x), Ort.run(source, "input", x))).isLessThan(1e-4f);

            float[] keyHead1 = g.node("attention.key").parameter("weight").array()
                    .get(new NDIndex(D + ":" + E)).toFloatArray();
            Node attention = g.node("attention.self");
            DependencyGraph.build(g).getPruningGroup(attention, PruningHandle.PRUNE_OUT,
                    AttentionOp.headChannels(attention, IndexSet.of(0))).prune();
            assertThat(g.node("attention.query").parameter("weight").shape()).isEqualTo(new Shape(D, E));
            assertThat(g.node("attention.key").parameter("weight").array().toFloatArray()).as("head 1 kept")
                    .containsExactly(keyHead1);
            assertThat(g.node("attention.key").parameter("weight").shape()).isEqualTo(new Shape(D, E));
            assertThat(g.node("attention.value").parameter("weight").shape()).isEqualTo(new Shape(D, E));
            assertThat(g.node("attention.out").parameter("weight").shape()).isEqualTo(new Shape(E, D));
            assertThat(g.node("attention.self").attributes().getLong("num_heads")).isEqualTo(1);
            assertThat(OpCounter.count(g).params()).as("q, k, v 4·8 + 4 each; out 8·4 + 8")
                    .isEqualTo(3 * (D * E + D) + E * D + E);
            new OnnxFormat().write(g, pruned);
            assertThat(Ort.maxAbsDiff(djl(g, x), Ort.run(pruned, "input", x))).as("at " + small).isLessThan(1e-4f);
        }
        try (Graph again = read(pruned, other); NDManager m = NDManager.newBaseManager()) {
            assertThat(again.nodes()).extracting(n -> n.op().name())
                    .containsExactly("linear", "linear", "linear", "attention", "linear");
            assertThat(OpCounter.count(again).params()).isEqualTo(3 * (D * E + D) + E * D + E);
            NDArray x = m.randomNormal(other);
            assertThat(Ort.maxAbsDiff(djl(again, x), Ort.run(pruned, "input", x))).as("at " + other)
                    .isLessThan(1e-4f);
        }
    }
}
