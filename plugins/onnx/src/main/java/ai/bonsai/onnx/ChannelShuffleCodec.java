package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.op.IndexMapping;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes core's {@code channel_shuffle}: as ShuffleNet's {@code Reshape [N, g, C/g, H, W] →
 * Transpose (0, 2, 1, 3, 4) → Reshape} when its order is the shuffle of some g groups (the batch
 * kept dynamic), else as a {@code Gather} of the channels by the order along axis 1. Both read back
 * as {@code channel_shuffle} ({@link ChannelShufflePattern}, {@link GatherSlice}).
 */
final class ChannelShuffleCodec extends FamilyCodec {

    @Override
    public Set<String> exports() {
        return Set.of("channel_shuffle");
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        long[] perm = node.attributes().getLongs("perm");
        long[] x = node.input().shape().getShape();
        int channels = perm.length;
        for (int g = 2; x.length == 4 && g < channels; g++) {
            if (channels % g == 0 && Arrays.equals(perm, Arrays.stream(IndexMapping.Permutation.shuffle(channels, g)
                    .order()).asLongStream().toArray())) {
                String grouped = step(c, "Reshape", List.of(c.input(0),
                        c.longs("groups", 0, g, channels / g, x[2], x[3])), Map.of());
                String swapped = step(c, "Transpose", List.of(grouped), Map.of("perm", new long[] {0, 2, 1, 3, 4}));
                last(c, "Reshape", List.of(swapped, c.longs("shape", 0, channels, x[2], x[3])), Map.of());
                return;
            }
        }
        last(c, "Gather", List.of(c.input(0), c.longs("perm", perm)), Map.of("axis", 1L));
    }
}
