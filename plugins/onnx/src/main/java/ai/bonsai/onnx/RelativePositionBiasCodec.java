package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@link OnnxRelativePositionBiasOp} back in the form it was read: {@code Gather} of the
 * (pruned) table by the constant index, {@code Reshape [N, N, H]}, {@code Transpose (2, 0, 1)},
 * {@code Unsqueeze 0} (axes as an input from opset 13, as an attribute before). The table keeps its
 * initializer's name. Nothing is imported here ({@link SwinAttentionPattern} does).
 */
final class RelativePositionBiasCodec extends FamilyCodec {

    @Override
    public Set<String> exports() {
        return Set.of(OnnxRelativePositionBiasOp.NAME);
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        long tokens = a.getLong("tokens");
        long heads = node.parameter("table").shape().get(1);
        String rows = step(c, "Gather", List.of(c.parameter("table"), c.longs("index", a.getLongs("index"))),
                Map.of("axis", 0L));
        String grid = step(c, "Reshape", List.of(rows, c.longs("shape", tokens, tokens, heads)), Map.of());
        String byHead = step(c, "Transpose", List.of(grid), Map.of("perm", new long[] {2, 0, 1}));
        if (c.opset() >= 13) {
            last(c, "Unsqueeze", List.of(byHead, c.longs("axes", 0)), Map.of());
        } else {
            last(c, "Unsqueeze", List.of(byHead), Map.of("axes", new long[] {0}));
        }
    }
}
