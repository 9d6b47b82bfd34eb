package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.ops.MultiheadAttentionOp;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The forms in which PyTorch 2's {@code torch.onnx.export} (opsets 14 to 17) writes {@code
 * nn.MultiheadAttention(8, 2, batch_first=True)} besides torchvision's sliced self-attention:
 * {@code _in_projection_packed}'s {@code unflatten(-1, (3, E)).unsqueeze(0).transpose(0, -2)
 * .squeeze(-2)} and {@code proj[i]} (Reshape to a target computed from the projection's Shape,
 * Unsqueeze, Transpose, Squeeze, Gather), the module without biases, and cross-attention with key
 * is value (q projected alone, k and v packed and cut the same way in two) or with three separate
 * weights. Each imports as one {@code multihead_attention}, runs as ONNX Runtime does, prunes by
 * whole heads and the pruned file runs in ONNX Runtime as Bonsai's DJL execution does.
 */
class OnnxMultiheadAttentionFormsTest {

    private static final long B = 2;
    private static final long T = 5;
    private static final long S = 3;
    private static final long E = 8;
    private static final long H = 2;
    private static final long D = E / H;
    private static final String A = "/attn/";

    @TempDir
    Path dir;

    /** The forms under test. */
    enum Form {
        /** Self-attention, packed projection cut by in_projection_packed's chain. */
        PACKED(false, true, 1),
        /** The same with {@code bias=False}. */
        PACKED_NO_BIAS(false, false, 1),
        /** Cross-attention, key is value: q alone, k and v packed. */
        CROSS_KV(true, true, 2),
        /** Cross-attention with separate key and value tensors: three projections. */
        CROSS_SEPARATE(true, true, 3);

        final boolean cross;
        final boolean bias;
        final int sources;

        Form(boolean cross, boolean bias, int sources) {
            this.cross = cross;
            this.bias = bias;
            this.sources = sources;
        }
    }

    private static TensorProto scalarLong(String name, long v) {
        return TensorProto.newBuilder().setName(name).setDataType(7).addInt64Data(v).build();
    }

    private static TensorProto scalarFloat(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
    }

    /** MatMul by a [in, out] weight plus a bias: a linear layer as PyTorch exports it on 3-D input. */
    private static void linear(GraphProto.Builder g, String module, String in, String out, long width, long seed) {
        g.addInitializer(weight("onnx::MatMul_" + module, seed, E, width))
                .addInitializer(weight(module + ".bias", seed + 1, width))
                .addNode(node("MatMul", "/" + module + "/MatMul", List.of(in, "onnx::MatMul_" + module),
                        List.of(out + "_mm")))
                .addNode(node("Add", "/" + module + "/Add", List.of(module + ".bias", out + "_mm"), List.of(out)));
    }

    /**
     * A projection of a transposed input by [E, n·E] (+ bias), cut in n parts by PyTorch 2's
     * chain; returns the parts' names.
     */
    private static List<String> projection(GraphProto.Builder g, Form form, String name, String input, int n,
            long seed) {
        String x = name + "_t";
        g.addNode(node("Transpose", A + "Transpose_" + name, List.of(input), List.of(x), ints("perm", 1, 0, 2)));
        String w = "onnx::MatMul_" + name;
        g.addInitializer(weight(w, seed, E, n * E));
        String proj = name + "_proj";
        g.addNode(node("MatMul", A + "MatMul_" + name, List.of(x, w), List.of(form.bias ? proj + "_mm" : proj)));
        if (form.bias) {
            g.addInitializer(weight("onnx::Add_" + name, seed + 1, n * E))
                    .addNode(node("Add", A + "Add_" + name, List.of(proj + "_mm", "onnx::Add_" + name), List.of(proj)));
        }
        if (n == 1) {
            return List.of(proj);
        }
        String s = A + name + "/";
        g.addInitializer(OnnxModels.int64s(name + "_zero", 0)).addInitializer(OnnxModels.int64s(name + "_two", 2))
                .addInitializer(OnnxModels.int64s(name + "_three", 3))
                .addInitializer(OnnxModels.int64s(name + "_max", Long.MAX_VALUE))
                .addInitializer(OnnxModels.int64s(name + "_sizes", n, E))
                .addInitializer(OnnxModels.int64s(name + "_axis0", 0))
                .addInitializer(OnnxModels.int64s(name + "_axis3", 3))
                .addNode(node("Shape", s + "Shape", List.of(proj), List.of(name + "_shape")))
                .addNode(node("Slice", s + "Slice", List.of(name + "_shape", name + "_zero", name + "_two",
                        name + "_zero"), List.of(name + "_head")))
                .addNode(node("Slice", s + "Slice_1", List.of(name + "_shape", name + "_three", name + "_max",
                        name + "_zero"), List.of(name + "_tail")))
                .addNode(node("Concat", s + "Concat", List.of(name + "_head", name + "_sizes", name + "_tail"),
                        List.of(name + "_target"), integer("axis", 0)))
                .addNode(node("Reshape", s + "Reshape", List.of(proj, name + "_target"), List.of(name + "_unflat")))
                .addNode(node("Unsqueeze", s + "Unsqueeze", List.of(name + "_unflat", name + "_axis0"),
                        List.of(name + "_u")))
                .addNode(node("Transpose", s + "Transpose", List.of(name + "_u"), List.of(name + "_tr"),
                        ints("perm", 3, 1, 2, 0, 4)))
                .addNode(node("Squeeze", s + "Squeeze", List.of(name + "_tr", name + "_axis3"), List.of(name + "_sq")));
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            g.addInitializer(scalarLong(name + "_index" + i, i)).addNode(node("Gather", s + "Gather_" + i,
                    List.of(name + "_sq", name + "_index" + i), List.of(name + "_part" + i), integer("axis", 0)));
            parts.add(name + "_part" + i);
        }
        return parts;
    }

    private static String heads(GraphProto.Builder g, String part, String what, long length, long... perm) {
        g.addInitializer(OnnxModels.int64s(what + "_heads", length, B * H, D))
                .addNode(node("Reshape", A + "Reshape_" + what, List.of(part, what + "_heads"), List.of(what + "_4")))
                .addNode(node("Transpose", A + "Transpose_h" + what, List.of(what + "_4"), List.of(what + "_h"),
                        ints("perm", perm)));
        return what + "_h";
    }

    /** embed (linear) → attention (query from embed, key/value from memory linears) → head (linear). */
    static Path model(Path dir, Form form, long opset) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", B, T, E))
                .addOutput(value("output", B, T, 4));
        linear(g, "embed", "input", "query", E, 1);
        List<String> parts = new ArrayList<>();
        if (!form.cross) {
            parts.addAll(projection(g, form, "qkv", "query", 3, 10));
        } else {
            g.addInput(value("memory", B, S, E));
            linear(g, "memory_proj", "memory", "key", E, 3);
            if (form.sources == 3) {
                g.addInput(value("memory2", B, S, E));
                linear(g, "value_proj", "memory2", "value", E, 5);
            }
            List<String> q = projection(g, form, "q", "query", 1, 20);
            List<String> kv = form.sources == 2 ? projection(g, form, "kv", "key", 2, 30)
                    : List.of(projection(g, form, "k", "key", 1, 30).get(0),
                            projection(g, form, "v", "value", 1, 40).get(0));
            parts.addAll(q);
            parts.addAll(kv);
        }
        long s = form.cross ? S : T;
        String qh = heads(g, parts.get(0), "q", T, 1, 0, 2);
        String kh = heads(g, parts.get(1), "k", s, 1, 2, 0);
        String vh = heads(g, parts.get(2), "v", s, 1, 0, 2);
        g.addInitializer(scalarFloat("scale", (float) Math.sqrt(1.0 / D)))
                .addInitializer(OnnxModels.int64s("merged", T * B, E))
                .addInitializer(OnnxModels.int64s("unmerged", T, B, E))
                .addNode(node("Mul", A + "Mul", List.of(qh, "scale"), List.of("q_scaled")))
                .addNode(node("MatMul", A + "MatMul", List.of("q_scaled", kh), List.of("scores")))
                .addNode(node("Softmax", A + "Softmax", List.of("scores"), List.of("probs"), integer("axis", -1)))
                .addNode(node("MatMul", A + "MatMul_1", List.of("probs", vh), List.of("ctx")))
                .addNode(node("Transpose", A + "Transpose_1", List.of("ctx"), List.of("ctx_t"), ints("perm", 1, 0, 2)))
                .addNode(node("Reshape", A + "Reshape", List.of("ctx_t", "merged"), List.of("attended")));
        if (form.bias) {
            g.addInitializer(weight("attn.out_proj.weight", 50, E, E)).addInitializer(weight("attn.out_proj.bias", 51, E)).addNode(node("Gemm", A + "out_proj/Gemm",
                    List.of("attended", "attn.out_proj.weight", "attn.out_proj.bias"), List.of("out"),
                    integer("transB", 1)));
        } else {
            g.addInitializer(weight("onnx::MatMul_out", 50, E, E)).addNode(node("MatMul", A + "out_proj/MatMul",
                    List.of("attended", "onnx::MatMul_out"), List.of("out")));
        }
        g.addNode(node("Reshape", A + "Reshape_1", List.of("out", "unmerged"), List.of("out3")))
                .addNode(node("Transpose", A + "Transpose_2", List.of("out3"), List.of("attn_out"), ints("perm", 1, 0, 2)))
                .addInitializer(weight("onnx::MatMul_head", 60, E, 4)).addInitializer(weight("head.bias", 61, 4))
                .addNode(node("MatMul", "/head/MatMul", List.of("attn_out", "onnx::MatMul_head"), List.of("head_mm")))
                .addNode(node("Add", "/head/Add", List.of("head_mm", "head.bias"), List.of("output")));
        return OnnxModels.save(OnnxModels.model(g, opset), dir.resolve(form.name().toLowerCase() + ".onnx"));
    }

    private static Map<String, NDArray> inputs(NDManager m, Form form) {
        Map<String, NDArray> in = new LinkedHashMap<>();
        in.put("input", m.randomNormal(new Shape(B, T, E)));
        if (form.cross) {
            in.put("memory", m.randomNormal(new Shape(B, S, E)));
        }
        if (form.sources == 3) {
            in.put("memory2", m.randomNormal(new Shape(B, S, E)));
        }
        return in;
    }

    private static float[] djl(Graph g, Map<String, NDArray> in) {
        return new GraphExecutor(g).forward(new NDList(in.values().toArray(NDArray[]::new))).head().toFloatArray();
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void importsAsOneAttentionAndPrunesByWholeHeads(Form form) throws Exception {
        for (long opset : new long[] {14, 17}) {
            Path model = model(dir, form, opset);
            try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
                List<String> expected = new ArrayList<>(List.of("linear", "multihead_attention", "linear"));
                for (int k = 1; k < form.sources; k++) {
                    expected.add(0, "linear");
                }
                assertThat(g.nodes()).extracting(n -> n.op().name()).as("opset %d", opset)
                        .containsExactlyElementsOf(expected);
                Node attention = g.nodes().stream().filter(n -> n.op().name().equals("multihead_attention"))
                        .findFirst().orElseThrow();
                assertThat(attention.name()).isEqualTo("attn");
                assertThat(attention.inputs()).hasSize(form.cross ? 3 : 1);
                assertThat(attention.attributes().getBoolean("bias")).isEqualTo(form.bias);
                assertThat(attention.attributes().getLong("num_heads")).isEqualTo(H);
                Map<String, NDArray> in = inputs(m, form);
                assertThat(Ort.maxAbsDiff(djl(g, in), Ort.run(model, in))).isLessThan(1e-4f);

                IndexSet secondHead = MultiheadAttentionOp.headChannels(attention, IndexSet.of(1));
                DependencyGraph.build(g).getPruningGroup(attention, PruningHandle.PRUNE_OUT, secondHead).prune();
                Node pruned = g.node("attn");
                assertThat(pruned.attributes().getLong("num_heads")).isEqualTo(1);
                assertThat(pruned.attributes().getLong("embed_dim")).isEqualTo(D);
                assertThat(pruned.parameter("in_proj_weight").shape()).isEqualTo(new Shape(3 * D, D));
                assertThat(pruned.parameter("out_proj.weight").shape()).isEqualTo(new Shape(D, D));
                assertThat(pruned.hasParameter("in_proj_bias")).isEqualTo(form.bias);
                assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(4, D));
                Path written = dir.resolve(form.name().toLowerCase() + ".pruned.onnx");
                new OnnxFormat().write(g, written);
                assertThat(Ort.maxAbsDiff(Ort.run(written, in), djl(g, in))).isLessThan(1e-4f);
                try (Graph again = OnnxFixtures.read(written)) {
                    assertThat(again.nodes()).extracting(n -> n.op().name()).contains("multihead_attention");
                    assertThat(Ort.maxAbsDiff(djl(again, in), djl(g, in))).isLessThan(1e-5f);
                }
            }
        }
    }
}
