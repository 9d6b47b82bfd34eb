package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Self-attention in the order Hugging Face's BERT and ViT export it: the key's Reshape/Transpose
 * comes before the value projection is computed, so the attention pattern is found at the key's
 * Reshape and imported once q, k, v and the additive mask are known. A model whose scores are not
 * scaled by a constant factor (divided into one) is imported node by node instead, the held-back
 * nodes included.
 */
class OnnxEncoderAttentionTest {

    private static final int T = 5;
    private static final int E = 8;

    @TempDir
    Path dir;

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
    }

    /**
     * x [1, 5, 8] → q, k, v (2 heads of 4), scores / 2 (or 2 / scores, which is no scaling) + mask,
     * softmax, · v, merge, out (8→8).
     */
    static Path model(Path dir, boolean scaled) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, T, E))
                .addInput(value("mask", 1, 1, 1, T))
                .addOutput(value("output", 1, T, E))
                .addInitializer(OnnxModels.int64s("heads", 1, T, 2, 4))
                .addInitializer(OnnxModels.int64s("merged", 1, T, E))
                .addInitializer(scalar("sqrt_d", 2f));
        for (String p : List.of("query", "key", "value", "out")) {
            g.addInitializer(weight("onnx::MatMul_" + p, p.hashCode(), E, E))
                    .addInitializer(weight("attention." + p + ".bias", p.hashCode() + 1, E));
        }
        String s = "/attention/self/";
        linear(g, "query", "input", "q");
        linear(g, "key", "input", "k");
        g.addNode(node("Reshape", s + "Reshape", List.of("k", "heads"), List.of("k4")))
                .addNode(node("Transpose", s + "Transpose", List.of("k4"), List.of("kh"), ints("perm", 0, 2, 1, 3)));
        linear(g, "value", "input", "v");
        g.addNode(node("Reshape", s + "Reshape_1", List.of("v", "heads"), List.of("v4")))
                .addNode(node("Transpose", s + "Transpose_1", List.of("v4"), List.of("vh"), ints("perm", 0, 2, 1, 3)))
                .addNode(node("Reshape", s + "Reshape_2", List.of("q", "heads"), List.of("q4")))
                .addNode(node("Transpose", s + "Transpose_2", List.of("q4"), List.of("qh"), ints("perm", 0, 2, 1, 3)))
                .addNode(node("Transpose", s + "Transpose_3", List.of("kh"), List.of("kt"), ints("perm", 0, 1, 3, 2)))
                .addNode(node("MatMul", s + "MatMul", List.of("qh", "kt"), List.of("scores")))
                .addNode(node("Div", s + "Div", scaled ? List.of("scores", "sqrt_d") : List.of("sqrt_d", "scores"),
                        List.of("scaled")))
                .addNode(node("Add", s + "Add", List.of("scaled", "mask"), List.of("masked")))
                .addNode(node("Softmax", s + "Softmax", List.of("masked"), List.of("probs"), integer("axis", -1)))
                .addNode(node("MatMul", s + "MatMul_1", List.of("probs", "vh"), List.of("ctx")))
                .addNode(node("Transpose", s + "Transpose_4", List.of("ctx"), List.of("ctxt"), ints("perm", 0, 2, 1, 3)))
                .addNode(node("Reshape", s + "Reshape_3", List.of("ctxt", "merged"), List.of("attended")));
        linear(g, "out", "attended", "output");
        return OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("encoder_attention.onnx"));
    }

    private static void linear(GraphProto.Builder g, String name, String in, String out) {
        String scope = "/attention/" + name + "/";
        g.addNode(node("MatMul", scope + "MatMul", List.of(in, "onnx::MatMul_" + name), List.of(out + "_mm")))
                .addNode(node("Add", scope + "Add", List.of("attention." + name + ".bias", out + "_mm"), List.of(out)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void importsAsOneAttentionOnceItsInputsAreKnown(boolean scaled) throws Exception {
        Path model = model(dir, scaled);
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, T, E));
            NDArray mask = m.zeros(new Shape(1, 1, 1, T));
            mask.set(new NDIndex("..., 4"), -1e9f);
            float[] ort = Ort.run(model, Map.of("input", x, "mask", mask));
            float[] djl = new GraphExecutor(g).forward(new NDList(x, mask)).head().toFloatArray();
            assertThat(Ort.maxAbsDiff(djl, ort)).isLessThan(1e-5f);
            if (!scaled) {
                assertThat(g.nodes()).extracting(n -> n.op().name()).contains("matmul", "softmax")
                        .doesNotContain("attention");
                return;
            }
            assertThat(g.nodes()).extracting(n -> n.op().name())
                    .containsExactly("linear", "linear", "linear", "attention", "linear");
            assertThat(g.node("attention.self").attributes().getDouble("scale")).isEqualTo(0.5);

            DependencyGraph.build(g).getPruningGroup(g.node("attention.query"), PruningHandle.PRUNE_OUT,
                    IndexSet.of(4, 5, 6, 7)).prune();
            assertThat(g.node("attention.key").parameter("weight").shape()).isEqualTo(new Shape(4, E));
            assertThat(g.node("attention.value").parameter("weight").shape()).isEqualTo(new Shape(4, E));
            assertThat(g.node("attention.out").parameter("weight").shape()).isEqualTo(new Shape(E, 4));
            assertThat(g.node("attention.self").attributes().getLong("num_heads")).isEqualTo(1);
            Path written = dir.resolve("pruned.onnx");
            new OnnxFormat().write(g, written);
            assertThat(Ort.maxAbsDiff(Ort.run(written, Map.of("input", x, "mask", mask)),
                    new GraphExecutor(g).forward(new NDList(x, mask)).head().toFloatArray())).isLessThan(1e-5f);
        }
    }
}
