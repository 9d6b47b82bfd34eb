package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;

/**
 * {@code Gather} of a computed value by constant indices along a dimension after the batch: a
 * scalar index (ViT's class token, {@code x[:, 0]}) becomes a one-wide {@code slice} and a {@code
 * reshape} that drops the dimension; a 1-D run of consecutive indices becomes a {@code slice}; a
 * reordering of all the channels (dimension 1) becomes core's {@code channel_shuffle}, as {@link
 * ChannelShuffleCodec} writes it. Other indices are declined (the node stays opaque).
 */
final class GatherSlice {

    private GatherSlice() {
    }

    /**
     * Maps the node, or declines it.
     *
     * @param n the Gather node
     * @param c the import
     * @return the output, or empty
     */
    static Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        Optional<NDArray> indices = c.constant(1);
        if (!FamilyCodec.isDynamic(c, 0) || indices.isEmpty() || indices.get().getShape().dimension() > 1
                || indices.get().size() == 0) {
            return FamilyCodec.DECLINE;
        }
        Value x = c.value(0);
        Shape s = x.shape();
        long axis = n.longAttr("axis", 0);
        int dim = (int) (axis < 0 ? axis + s.dimension() : axis);
        if (dim <= 0 || dim >= s.dimension()) {
            return FamilyCodec.DECLINE;
        }
        long[] idx = FamilyCodec.longs(indices.get());
        long length = s.get(dim);
        if (dim == 1 && isPermutation(idx, length)) {
            return FamilyCodec.single(c, "channel_shuffle", c.nodeName(), Attributes.of().with("perm", idx), x);
        }
        for (int i = 0; i < idx.length; i++) {
            idx[i] = idx[i] < 0 ? idx[i] + length : idx[i];
            if (idx[i] < 0 || idx[i] >= length || (i > 0 && idx[i] != idx[i - 1] + 1)) {
                return FamilyCodec.DECLINE;
            }
        }
        String name = c.nodeName();
        Value y = c.builder().op("slice", name, Attributes.of().with("dim", (long) dim).with("start", idx[0])
                .with("end", idx[idx.length - 1] + 1).with("step", 1L), x);
        if (indices.get().getShape().dimension() == 1) {
            return Optional.of(List.of(y));
        }
        long[] dropped = new long[s.dimension() - 1];
        for (int d = 0, k = 0; d < s.dimension(); d++) {
            if (d != dim) {
                dropped[k++] = s.get(d);
            }
        }
        return Optional.of(List.of(c.builder().op("reshape", name + ".squeeze",
                Attributes.of().with("shape", dropped), y)));
    }

    /** Every index of [0, length) once, in another order than the identity. */
    private static boolean isPermutation(long[] idx, long length) {
        if (idx.length != length || length < 2) {
            return false;
        }
        boolean[] seen = new boolean[idx.length];
        boolean moved = false;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= length || seen[(int) idx[i]]) {
                return false;
            }
            seen[(int) idx[i]] = true;
            moved |= idx[i] != i;
        }
        return moved;
    }
}
