package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes core's {@code multihead_attention} as PyTorch exports {@code nn.MultiheadAttention}, which
 * {@link MultiheadAttentionPattern} reads back: each distinct input {@code [B, L, E]} transposed to
 * [L, B, E] and multiplied by its rows of the transposed packed {@code in_proj_weight} (all of them
 * for self-attention; q alone, and k with v when key is value, for cross-attention) plus the
 * matching {@code in_proj_bias}, q, k, v sliced off, each reshaped to [L, B·H, D] and transposed, q
 * divided by √D, {@code Softmax(q·kᵀ)·v}, the heads merged to [T·B, E], {@code Gemm} by {@code
 * out_proj}, and back to [B, T, E]. The batch stays dynamic (each Reshape infers it with -1); the
 * initializers keep the parameters' names.
 */
final class MultiheadAttentionCodec extends FamilyCodec {

    @Override
    public Set<String> exports() {
        return Set.of("multihead_attention");
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        List<Value> inputs = node.inputs();
        long t = node.input().shape().get(1);
        long e = node.attributes().getLong("embed_dim");
        long d = e / node.attributes().getLong("num_heads");
        boolean bias = node.attributes().getBoolean("bias");
        String weight = step(c, "Transpose", List.of(c.parameter("in_proj_weight")), Map.of("perm", new long[] {1, 0}));
        String inBias = bias ? c.parameter("in_proj_bias") : null;
        String[] parts = new String[3];
        for (int from = 0; from < 3;) {
            int k = inputs.size() == 1 ? 0 : from;
            int count = 1;
            while (from + count < 3 && inputs.get(inputs.size() == 1 ? 0 : from + count) == inputs.get(k)) {
                count++;
            }
            String x = step(c, "Transpose", List.of(c.input(k)), Map.of("perm", new long[] {1, 0, 2}));
            String w = count == 3 ? weight : columns(c, weight, "weight" + from, from * e, (from + count) * e, 1);
            String proj = step(c, "MatMul", List.of(x, w), Map.of());
            if (bias) {
                String b = count == 3 ? inBias : columns(c, inBias, "bias" + from, from * e, (from + count) * e, 0);
                proj = step(c, "Add", List.of(proj, b), Map.of());
            }
            for (int i = 0; i < count; i++) {
                parts[from + i] = count == 1 ? proj : columns(c, proj, String.valueOf(from + i), i * e, (i + 1) * e, -1);
            }
            from += count;
        }
        String[] heads = new String[3];
        long[][] perms = {{1, 0, 2}, {1, 2, 0}, {1, 0, 2}};
        for (int i = 0; i < 3; i++) {
            long length = inputs.get(inputs.size() == 1 ? 0 : i).shape().get(1);
            String split = step(c, "Reshape", List.of(parts[i], c.longs("heads" + i, length, -1, d)), Map.of());
            heads[i] = step(c, "Transpose", List.of(split), Map.of("perm", perms[i]));
        }
        String q = step(c, "Div", List.of(heads[0], scalar(c, "sqrt_head_dim", Math.sqrt(d))), Map.of());
        String scores = step(c, "MatMul", List.of(q, heads[1]), Map.of());
        String weights = step(c, "Softmax", List.of(scores), Map.of("axis", -1L));
        String attended = step(c, "MatMul", List.of(weights, heads[2]), Map.of());
        attended = step(c, "Transpose", List.of(attended), Map.of("perm", new long[] {1, 0, 2}));
        String merged = step(c, "Reshape", List.of(attended, c.longs("merged", -1, e)), Map.of());
        List<String> gemm = bias ? List.of(merged, c.parameter("out_proj.weight"), c.parameter("out_proj.bias"))
                : List.of(merged, c.parameter("out_proj.weight"));
        String out = step(c, "Gemm", gemm, Map.of("transB", 1L));
        String unmerged = step(c, "Reshape", List.of(out, c.longs("unmerged", t, -1, e)), Map.of());
        last(c, "Transpose", List.of(unmerged), Map.of("perm", new long[] {1, 0, 2}));
    }

    /** A Slice of [start, end) along one axis. */
    private static String columns(OnnxExportContext c, String value, String what, long start, long end, long axis) {
        return step(c, "Slice", List.of(value, c.longs("start" + what, start), c.longs("end" + what, end),
                c.longs("axis" + what, axis)), Map.of());
    }
}
