package ai.bonsai.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Optional;

/** Resolves the constant target of a {@code Reshape} for the patterns that look ahead of the walk. */
final class ReshapeTargets {

    private ReshapeTargets() {
    }

    /**
     * Returns a Reshape's target shape, folding it ahead and resolving 0 (copy) and -1 (infer)
     * against the input's shape.
     *
     * @param ctx the import
     * @param reshape the Reshape node
     * @param in its input's shape
     * @return the output shape, or an empty array when the target is not constant or does not fit
     */
    static long[] resolve(OnnxImporter ctx, NodeProto reshape, Shape in) {
        Optional<Operand.Known> k = reshape.getInputCount() < 2 ? Optional.empty() : ctx.foldAhead(reshape.getInput(1));
        if (k.isEmpty() || new OnnxAttributes(reshape).i("allowzero", 0) != 0) {
            return new long[0];
        }
        long[] s = k.get().longs();
        long known = 1;
        int free = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0 && i < in.dimension()) {
                s[i] = in.get(i);
            }
            if (s[i] == -1 && free < 0) {
                free = i;
            } else if (s[i] > 0) {
                known *= s[i];
            } else {
                return new long[0];
            }
        }
        if (free >= 0) {
            s[free] = in.size() / known;
            known *= s[free];
        }
        return known == in.size() ? s : new long[0];
    }
}
