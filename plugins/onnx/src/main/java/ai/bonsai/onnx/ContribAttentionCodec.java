package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ONNX Runtime's fused attention ops (domain {@code com.microsoft}), imported when they need
 * nothing core's {@code attention} lacks: {@code MultiHeadAttention} with projected query, key and
 * value [B, T, H·D] and no bias, mask or cache becomes one {@code attention}; {@code Attention}
 * (self-attention with the packed [E, 3E] weight and [3E] bias, no mask, cache, relative position
 * bias or causal masking, equal q/k/v widths) becomes a {@code linear} with the packed projection,
 * three {@code slice}s and an {@code attention}, so its heads prune like an unfused model's. The
 * scale is the node's {@code scale} when set and not 0, else 1/√D. Nothing is written back in these
 * forms (the pruned model holds the standard ops).
 */
final class ContribAttentionCodec extends FamilyCodec {

    static final String DOMAIN = "com.microsoft";

    @Override
    public Set<OnnxOpId> imports() {
        return Set.of(new OnnxOpId(DOMAIN, "Attention"), new OnnxOpId(DOMAIN, "MultiHeadAttention"));
    }

    @Override
    public Set<String> exports() {
        return Set.of();
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        return n.opType().equals("Attention") ? packed(n, c) : projected(n, c);
    }

    private static Optional<List<Value>> projected(OnnxNode n, OnnxImportContext c) {
        for (int k = 3; k < n.inputs().size(); k++) {
            if (c.hasInput(k)) {
                return DECLINE;
            }
        }
        if (!isDynamic(c, 0) || !isDynamic(c, 1) || !isDynamic(c, 2) || n.longAttr("unidirectional", 0) != 0
                || outputsUsedPast(n, c, 1)) {
            return DECLINE;
        }
        Value q = c.value(0);
        long heads = n.longAttr("num_heads", 0);
        if (q.shape().dimension() != 3 || c.value(1).shape().dimension() != 3 || heads < 1
                || q.shape().get(2) % heads != 0) {
            return DECLINE;
        }
        return single(c, "attention", c.nodeName(), attributes(n, heads, q.shape().get(2) / heads),
                q, c.value(1), c.value(2));
    }

    private static Optional<List<Value>> packed(OnnxNode n, OnnxImportContext c) {
        for (int k = 3; k < n.inputs().size(); k++) {
            if (c.hasInput(k)) {
                return DECLINE;
            }
        }
        Optional<NDArray> w = c.constant(1);
        long heads = n.longAttr("num_heads", 0);
        if (!isDynamic(c, 0) || w.isEmpty() || w.get().getShape().dimension() != 2 || heads < 1
                || n.longAttr("unidirectional", 0) != 0 || n.has("qkv_hidden_sizes") || outputsUsedPast(n, c, 1)
                || c.hasInput(2) && c.constant(2).isEmpty()) {
            return DECLINE;
        }
        Value x = c.value(0);
        long in = w.get().getShape().get(0);
        long width = w.get().getShape().get(1);
        if (x.shape().dimension() != 3 || x.shape().get(2) != in || width % 3 != 0 || width / 3 % heads != 0) {
            return DECLINE;
        }
        long e = width / 3;
        String name = c.nodeName(1);
        c.parameter(name, "weight", w.get().transpose().duplicate().toType(DataType.FLOAT32, false));
        if (c.hasInput(2)) {
            c.parameter(name, "bias", 2, new Shape(width));
        }
        Value proj = c.builder().op("linear", name, Attributes.of().with("out_features", width)
                .with("bias", c.hasInput(2)), x);
        Value[] qkv = new Value[3];
        for (int i = 0; i < 3; i++) {
            qkv[i] = c.builder().op("slice", name + "." + "qkv".charAt(i) + "_slice", Attributes.of().with("dim", -1L)
                    .with("start", i * e).with("end", (i + 1) * e).with("step", 1L), proj);
        }
        return single(c, "attention", name + ".attention", attributes(n, heads, e / heads), qkv);
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException always: the codec exports no op type
     */
    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        throw new UnsupportedOperationException("node '" + node.name() + "': " + getClass().getSimpleName()
                + " imports only");
    }

    private static Attributes attributes(OnnxNode n, long heads, long headDim) {
        double scale = n.doubleAttr("scale", 0);
        return Attributes.of().with("num_heads", heads).with("scale", scale != 0 ? scale : 1 / Math.sqrt(headDim));
    }

    private static boolean outputsUsedPast(OnnxNode n, OnnxImportContext c, int first) {
        for (int k = first; k < n.outputs().size(); k++) {
            if (c.isOutputUsed(k)) {
                return true;
            }
        }
        return false;
    }
}
