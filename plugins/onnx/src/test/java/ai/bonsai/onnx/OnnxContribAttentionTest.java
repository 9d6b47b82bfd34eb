package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
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
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's fused {@code com.microsoft} attention ops import as core's {@code attention} (the
 * packed {@code Attention} with its projection as a {@code linear} and three slices), run on DJL to
 * ONNX Runtime's output of the fused model, and prune by heads into standard ops.
 */
class OnnxContribAttentionTest {

    @TempDir
    Path dir;

    private Path save(GraphProto.Builder g, String name) {
        ModelProto m = OnnxModels.model(g, 13).toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ContribAttentionCodec.DOMAIN).setVersion(1))
                .build();
        return OnnxModels.save(m, dir.resolve(name));
    }

    private static NodeProto contrib(String op, List<String> in, String out) {
        return node(op, "/attn/" + op, in, List.of(out), integer("num_heads", 2)).toBuilder()
                .setDomain(ContribAttentionCodec.DOMAIN).build();
    }

    @Test
    void packedAttentionImportsAsLinearSlicesAndAttentionAndPrunesByHeads() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 2, 5, 8))
                .addOutput(value("output", 2, 5, 8))
                .addInitializer(weight("attn.qkv.weight", 1, 8, 24)).addInitializer(weight("attn.qkv.bias", 2, 24))
                .addInitializer(weight("onnx::MatMul_proj", 3, 8, 8))
                .addNode(contrib("Attention", List.of("input", "attn.qkv.weight", "attn.qkv.bias"), "attended"))
                .addNode(node("MatMul", "/proj/MatMul", List.of("attended", "onnx::MatMul_proj"), List.of("output")));
        Path model = save(g, "attention.onnx");
        try (Graph graph = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name())
                    .containsExactly("linear", "slice", "slice", "slice", "attention", "linear");
            NDArray x = m.randomNormal(new Shape(2, 5, 8));
            float[] ort = Ort.run(model, "input", x);
            assertThat(Ort.maxAbsDiff(new GraphExecutor(graph).forward(new NDList(x)).head().toFloatArray(), ort))
                    .isLessThan(1e-5f);

            DependencyGraph.build(graph).getPruningGroup(graph.node("attn.qkv.attention"), PruningHandle.PRUNE_OUT,
                    IndexSet.of(0, 1, 2, 3)).prune();
            assertThat(graph.node("attn.qkv").parameter("weight").shape()).isEqualTo(new Shape(12, 8));
            assertThat(graph.node("proj").parameter("weight").shape()).isEqualTo(new Shape(8, 4));
            assertThat(graph.node("attn.qkv.attention").attributes().getLong("num_heads")).isEqualTo(1);
            Path written = dir.resolve("pruned.onnx");
            new OnnxFormat().write(graph, written);
            assertThat(Ort.maxAbsDiff(Ort.run(written, "input", x),
                    new GraphExecutor(graph).forward(new NDList(x)).head().toFloatArray())).isLessThan(1e-5f);
        }
    }

    @Test
    void multiHeadAttentionOnProjectedInputsImportsAsAttention() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("q", 2, 5, 8))
                .addInput(value("k", 2, 6, 8)).addInput(value("v", 2, 6, 8)).addOutput(value("output", 2, 5, 8))
                .addNode(contrib("MultiHeadAttention", List.of("q", "k", "v"), "output"));
        Path model = save(g, "mha.onnx");
        try (Graph graph = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("attention");
            assertThat(graph.nodes().get(0).attributes().getDouble("scale")).isEqualTo(0.5);
            NDArray q = m.randomNormal(new Shape(2, 5, 8));
            NDArray k = m.randomNormal(new Shape(2, 6, 8));
            NDArray v = m.randomNormal(new Shape(2, 6, 8));
            float[] ort = Ort.run(model, Map.of("q", q, "k", k, "v", v));
            assertThat(Ort.maxAbsDiff(new GraphExecutor(graph).forward(new NDList(q, k, v)).head().toFloatArray(), ort))
                    .isLessThan(1e-5f);
        }
    }
}
