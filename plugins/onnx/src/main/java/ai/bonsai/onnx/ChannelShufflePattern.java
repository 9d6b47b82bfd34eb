package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.IndexMapping;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Recognizes ShuffleNet's channel shuffle as exporters write it, {@code Reshape [N, g, C/g, H, W]
 * → Transpose (0, 2, 1, 3, 4) → Reshape [N, C, H, W]}, and imports it as core's {@code
 * channel_shuffle}, whose permutation index mapping lets groups pass through it (a reshape that
 * splits and merges the channel dimension otherwise blocks them).
 */
final class ChannelShufflePattern {

    private static final long[] SWAP = {0, 2, 1, 3, 4};

    private final OnnxImporter ctx;

    /**
     * Creates the pattern of one import.
     *
     * @param ctx the import
     */
    ChannelShufflePattern(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /**
     * Imports the pattern starting at a node, if one does.
     *
     * @param split a Reshape
     * @return true if it was imported
     */
    boolean tryMatch(NodeProto split) {
        if (!split.getOpType().equals("Reshape") || !ctx.isDynamic(split, 0)) {
            return false;
        }
        Value x = ctx.value(split, 0);
        Shape s = x.shape();
        if (s.dimension() != 4) {
            return false;
        }
        long[] grouped = ReshapeTargets.resolve(ctx, split, s);
        if (grouped.length != 5 || grouped[0] != s.get(0) || grouped[1] < 2 || grouped[1] * grouped[2] != s.get(1)
                || grouped[3] != s.get(2) || grouped[4] != s.get(3)) {
            return false;
        }
        Optional<NodeProto> swap = only(split.getOutput(0), "Transpose")
                .filter(t -> Arrays.equals(new OnnxAttributes(t).ints("perm").orElse(null), SWAP));
        Optional<NodeProto> merge = swap.flatMap(t -> only(t.getOutput(0), "Reshape"))
                .filter(r -> Arrays.equals(ReshapeTargets.resolve(ctx, r, new Shape(grouped[0], grouped[2],
                        grouped[1], grouped[3], grouped[4])), s.getShape()));
        if (merge.isEmpty()) {
            return false;
        }
        List<NodeProto> members = List.of(split, swap.get(), merge.get());
        long[] perm = Arrays.stream(IndexMapping.Permutation.shuffle(Math.toIntExact(s.get(1)),
                Math.toIntExact(grouped[1])).order()).asLongStream().toArray();
        ctx.define(merge.get().getOutput(0), ctx.builder().op("channel_shuffle", ctx.name(null, members),
                Attributes.of().with("perm", perm), x));
        ctx.markDone(members);
        return true;
    }

    private Optional<NodeProto> only(String value, String opType) {
        List<NodeProto> users = ctx.consumers(value);
        if (users.size() != 1 || ctx.isGraphOutput(value) || !users.get(0).getOpType().equals(opType)) {
            return Optional.empty();
        }
        return Optional.of(users.get(0));
    }
}
