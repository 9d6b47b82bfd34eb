package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes core's {@code attention} (scaled dot-product attention over projected q, k, v) as the
 * standard chain exporters emit: per-head Reshape/Transpose, {@code MatMul(q, kᵀ)}, {@code Mul} by
 * the node's {@code scale} as a constant, the optional additive mask ({@code Add}), {@code
 * Softmax} over the keys, {@code MatMul} with v, and the heads merged back into [B, T, H·Dv].
 *
 * <p>Grouped-query attention is written as the forward kernel computes it: the query heads that
 * share a key/value head are stacked along the sequence ([B, Hkv, rep·Tq, D]), so no key or value
 * is copied. A mask given per window ({@code mask_windows} W > 1, Swin's shifted windows) is added
 * to the scores viewed as [B/W, W, H, Tq, Tk], as timm writes it. A causal node adds a constant
 * [Tq, Tk] mask holding 0 where a key is visible and the
 * lowest float where not (bottom-right aligned, as the kernel). The batch and sequence lengths stay
 * dynamic (each Reshape copies them with 0 or infers them with -1; only the head counts and sizes
 * are written), except where a per-window or causal mask fixes the sequence. Reading such a chain
 * back is {@link AttentionPattern}'s.
 */
final class AttentionCodec extends FamilyCodec {

    @Override
    public Set<String> exports() {
        return Set.of("attention");
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        Shape q = node.inputs().get(0).shape();
        Shape v = node.inputs().get(2).shape();
        long heads = a.getLong("num_heads");
        long kvHeads = a.has("num_kv_heads") ? a.getLong("num_kv_heads") : heads;
        long tq = q.get(1);
        long tk = v.get(1);
        long d = q.get(2) / heads;
        long dv = v.get(2) / kvHeads;
        String queries = reshape(c, transpose(c, reshape(c, c.input(0), "q_heads", 0, 0, heads, d), 0, 2, 1, 3),
                "q_groups", 0, kvHeads, -1, d);
        String keys = transpose(c, reshape(c, c.input(1), "k_heads", 0, 0, kvHeads, d), 0, 2, 3, 1);
        String values = transpose(c, reshape(c, c.input(2), "v_heads", 0, 0, kvHeads, dv), 0, 2, 1, 3);
        String scores = step(c, "MatMul", List.of(queries, keys), Map.of());
        scores = step(c, "Mul", List.of(scores, scalar(c, "scale", a.getDouble("scale"))), Map.of());
        scores = reshape(c, scores, "scores_shape", 0, heads, -1, 0);
        long windows = a.has("mask_windows") ? a.getLong("mask_windows") : 1;
        if (node.inputs().size() == 4 && windows > 1) {
            scores = reshape(c, scores, "windows_shape", -1, windows, heads, tq, tk);
            scores = step(c, "Add", List.of(scores, c.input(3)), Map.of());
            scores = reshape(c, scores, "windows_merged", -1, heads, tq, tk);
        } else if (node.inputs().size() == 4) {
            scores = step(c, "Add", List.of(scores, c.input(3)), Map.of());
        }
        if (a.has("causal") && a.getBoolean("causal")) {
            scores = step(c, "Add", List.of(scores, causalMask(c, tq, tk)), Map.of());
        }
        String weights = step(c, "Softmax", List.of(scores), Map.of("axis", -1L));
        weights = reshape(c, weights, "weights_shape", 0, kvHeads, -1, 0);
        String attended = step(c, "MatMul", List.of(weights, values), Map.of());
        attended = transpose(c, reshape(c, attended, "out_heads", 0, heads, -1, 0), 0, 2, 1, 3);
        last(c, "Reshape", List.of(attended, c.longs("out_shape", 0, 0, heads * dv)), Map.of());
    }

    private static String reshape(OnnxExportContext c, String x, String what, long... shape) {
        return step(c, "Reshape", List.of(x, c.longs(what, shape)), Map.of());
    }

    private static String transpose(OnnxExportContext c, String x, long... perm) {
        return step(c, "Transpose", List.of(x), Map.of("perm", perm));
    }

    /** 0 where query i sees key j ({@code j <= i + Tk − Tq}), the lowest float elsewhere. */
    private static String causalMask(OnnxExportContext c, long tq, long tk) {
        float[] mask = new float[Math.toIntExact(tq * tk)];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                mask[Math.toIntExact(i * tk + j)] = j <= i + tk - tq ? 0f : -Float.MAX_VALUE;
            }
        }
        return c.floats("causal_mask", new long[] {tq, tk}, mask);
    }
}
