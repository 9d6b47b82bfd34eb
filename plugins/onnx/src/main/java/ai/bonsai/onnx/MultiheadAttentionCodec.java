package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxExportContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes core's {@code multihead_attention} (self-attention) as PyTorch exports {@code
 * nn.MultiheadAttention}, which {@link MultiheadAttentionPattern} reads back: {@code x [B, T, E]}
 * transposed to [T, B, E], {@code MatMul} by the transposed packed {@code in_proj_weight} plus
 * {@code in_proj_bias}, q, k, v sliced off, each reshaped to [T, B·H, D] and transposed, q divided
 * by √D, {@code Softmax(q·kᵀ)·v}, the heads merged to [T·B, E], {@code Gemm} by {@code out_proj},
 * and back to [B, T, E]. The batch stays dynamic (each Reshape infers it with -1); the initializers
 * keep the parameters' names.
 */
final class MultiheadAttentionCodec extends FamilyCodec {

    @Override
    public Set<String> exports() {
        return Set.of("multihead_attention");
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        if (node.inputs().size() != 1) {
            throw new ModelFormatException("node '" + node.name()
                    + "': multihead_attention with separate query, key and value inputs cannot be"
                    + " written to ONNX; only self-attention can");
        }
        long t = node.input().shape().get(1);
        long e = node.attributes().getLong("embed_dim");
        long d = e / node.attributes().getLong("num_heads");
        boolean bias = node.attributes().getBoolean("bias");
        String x = step(c, "Transpose", List.of(c.input(0)), Map.of("perm", new long[] {1, 0, 2}));
        String weight = step(c, "Transpose", List.of(c.parameter("in_proj_weight")), Map.of("perm", new long[] {1, 0}));
        String proj = step(c, "MatMul", List.of(x, weight), Map.of());
        if (bias) {
            proj = step(c, "Add", List.of(proj, c.parameter("in_proj_bias")), Map.of());
        }
        String[] heads = new String[3];
        long[][] perms = {{1, 0, 2}, {1, 2, 0}, {1, 0, 2}};
        for (int i = 0; i < 3; i++) {
            String part = step(c, "Slice", List.of(proj, c.longs("start" + i, i * e), c.longs("end" + i, (i + 1) * e),
                    c.longs("axis" + i, -1)), Map.of());
            String split = step(c, "Reshape", List.of(part, c.longs("heads" + i, t, -1, d)), Map.of());
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
}
