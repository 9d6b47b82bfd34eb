package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Core's {@code attention} is written as the standard MatMul/Softmax chain (the scale a constant)
 * and runs in ONNX Runtime like the DJL kernel: plain multi-head, grouped-query, causal with a
 * key/value cache longer than the queries, and with an additive mask input. Read back, the chain
 * is one {@code attention} again ({@link AttentionPattern}) when every query head has its own key
 * and value head, and prunes by whole heads.
 */
class OnnxAttentionExportTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "4, 4, 5, 5, false, false",
        "4, 2, 5, 5, false, false",
        "4, 2, 3, 6, true, false",
        "2, 2, 4, 4, false, true"})
    void writesTheMatMulSoftmaxChainThatRunsLikeDjl(int heads, int kvHeads, int tq, int tk, boolean causal,
            boolean mask) throws Exception {
        int headDim = 3;
        Path file = dir.resolve("attention.onnx");
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("attention", 7);
        Value x = b.input("input", new Shape(2, tq, 8));
        Value memory = b.input("memory", new Shape(2, tk, 8));
        Value q = b.linear("q", x, heads * headDim);
        Value k = b.linear("k", memory, kvHeads * headDim);
        Value v = b.linear("v", memory, kvHeads * headDim);
        Attributes a = Attributes.of().with("num_heads", heads).with("num_kv_heads", kvHeads)
                .with("scale", 0.3).with("causal", causal);
        Value attended = mask
                ? b.op("attention", "attn", a, q, k, v, b.input("mask", new Shape(2, 1, 1, tk)))
                : b.op("attention", "attn", a, q, k, v);
        b.output(b.linear("out", attended, 8));
        try (Graph g = b.build(); NDManager m = NDManager.newBaseManager()) {
            new OnnxFormat().write(g, file);
            NDList inputs = new NDList(m.randomNormal(new Shape(2, tq, 8)), m.randomNormal(new Shape(2, tk, 8)));
            Map<String, NDArray> named = new HashMap<>(Map.of(
                    "input", inputs.get(0), "memory", inputs.get(1)));
            if (mask) {
                NDArray additive = m.zeros(new Shape(2, 1, 1, tk));
                additive.set(new NDIndex("1, :, :, 0"), -1e9f);
                inputs.add(additive);
                named.put("mask", additive);
            }
            float[] djl = new GraphExecutor(g).forward(inputs).head().toFloatArray();
            float[] ort = Ort.run(file, named);
            assertThat(Ort.maxAbsDiff(djl, ort)).isLessThan(1e-5f);
        }
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(file));
        assertThat(written.getGraph().getNodeList().stream().map(NodeProto::getOpType))
                .contains("MatMul", "Softmax", "Mul").doesNotContain("attention");
    }

    @ParameterizedTest
    @CsvSource({"5, 5, false", "3, 6, false", "4, 4, true"})
    void readsTheChainBackAsOneAttentionThatPrunesByHeads(int tq, int tk, boolean mask) throws Exception {
        int heads = 4;
        int headDim = 3;
        Path file = dir.resolve("attention.onnx");
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("attention", 7);
        Value x = b.input("input", new Shape(2, tq, 8));
        Value memory = b.input("memory", new Shape(2, tk, 8));
        Value q = b.linear("q", x, heads * headDim);
        Value k = b.linear("k", memory, heads * headDim);
        Value v = b.linear("v", memory, heads * headDim);
        Attributes a = Attributes.of().with("num_heads", heads).with("scale", 0.3);
        Value attended = mask
                ? b.op("attention", "attn", a, q, k, v, b.input("mask", new Shape(2, 1, 1, tk)))
                : b.op("attention", "attn", a, q, k, v);
        b.output(b.linear("out", attended, 8));
        try (Graph g = b.build(); NDManager m = NDManager.newBaseManager()) {
            new OnnxFormat().write(g, file);
            NDList inputs = new NDList(m.randomNormal(new Shape(2, tq, 8)), m.randomNormal(new Shape(2, tk, 8)));
            if (mask) {
                NDArray additive = m.zeros(new Shape(2, 1, 1, tk));
                additive.set(new NDIndex("1, :, :, 0"), -1e9f);
                inputs.add(additive);
            }
            float[] expected = new GraphExecutor(g).forward(inputs).head().toFloatArray();
            try (Graph read = OnnxFixtures.read(file)) {
                assertThat(read.nodes()).extracting(n -> n.op().name()).containsExactly(
                        "linear", "linear", "linear", "attention", "linear");
                Node attention = read.nodes().get(3);
                assertThat(attention.attributes().getLong("num_heads")).isEqualTo(heads);
                assertThat(attention.attributes().getDouble("scale")).isCloseTo(0.3, Offset.offset(1e-6));
                assertThat(attention.inputs()).hasSize(mask ? 4 : 3);
                assertThat(Ort.maxAbsDiff(new GraphExecutor(read).forward(inputs).head().toFloatArray(), expected))
                        .isLessThan(1e-5f);

                DependencyGraph.build(read).getPruningGroup(read.node("q"), PruningHandle.PRUNE_OUT,
                        IndexSet.of(3, 4, 5)).prune();
                assertThat(read.node("k").parameter("weight").shape()).isEqualTo(new Shape(9, 8));
                assertThat(read.node("v").parameter("weight").shape()).isEqualTo(new Shape(9, 8));
                assertThat(read.node("out").parameter("weight").shape()).isEqualTo(new Shape(8, 9));
                assertThat(attention.attributes().getLong("num_heads")).isEqualTo(heads - 1);
            }
        }
    }
}
