package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.pf4j.Extension;

/**
 * {@code channel_shuffle}: reorders the channels (dimension 1) of an [N, C, …] tensor, output
 * channel o being input channel {@code perm[o]}. ShuffleNet's shuffle of g groups ({@code
 * x.view(N, g, C/g, H, W).transpose(1, 2).reshape(N, C, H, W)}) is the order {@link #shuffle}
 * gives; after pruning the order is whatever the kept channels make of it.
 *
 * <p>Attribute: {@code perm} (every index of {@code [0, C)} once). Channels, when dimension 1 is
 * the input's channel dimension: one coupled space, the input's channels; the output slot maps
 * through {@link IndexMapping.Permutation}, so a group follows each channel to where the shuffle
 * moves it. Pruning removes the channels from {@code perm} and renumbers the rest, so the pruned
 * node computes the original's shuffle of the kept channels. When the channels lie in another
 * dimension (a reordering of tokens), they pass through and {@code perm} stays. MACs: 0.
 */
@Extension
public final class ChannelShuffleOp implements OpType {

    @Override
    public String name() {
        return "channel_shuffle";
    }

    /**
     * Returns the order of ShuffleNet's channel shuffle.
     *
     * @param channels the channel count C
     * @param groups the groups g, a divisor of C
     * @return {@code perm}: output channel {@code j·g + i} is input channel {@code i·C/g + j}
     */
    public static long[] shuffle(int channels, int groups) {
        return Arrays.stream(IndexMapping.Permutation.shuffle(channels, groups).order()).asLongStream().toArray();
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 2, "input");
        long[] perm = node.attributes().getLongs("perm");
        if (perm.length != x.get(1)) {
            throw new GraphException("perm has " + perm.length + " entries, the input " + x + " has "
                    + x.get(1) + " channels");
        }
        permutation(perm);
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        NDArray idx = context.manager().create(node.attributes().getLongs("perm"));
        return new NDList(x.get(new NDIndex(":, {}", idx)));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int c = node.input().channelDim();
        if (c < 0) {
            return Channels.none(1, 1);
        }
        if (c != 1) {
            return ChannelSemantics.passThrough(c, Math.toIntExact(node.input().shape().get(c)));
        }
        int[] order = permutation(node.attributes().getLongs("perm")).order();
        return new ChannelSemantics(Coupling.COUPLED, order.length, order.length, List.of(ChannelSlot.at(1)),
                List.of(new ChannelSlot(1, new IndexMapping.Permutation(order))));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        if (editor.node().input().channelDim() != 1) {
            return;
        }
        long[] perm = editor.node().attributes().getLongs("perm");
        editor.setAttribute("perm", LongStream.of(perm).filter(c -> !idxs.contains((int) c))
                .map(c -> c - idxs.stream().filter(i -> i < c).count()).toArray());
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    private static IndexMapping.Permutation permutation(long[] perm) {
        try {
            return new IndexMapping.Permutation(LongStream.of(perm).mapToInt(Math::toIntExact).toArray());
        } catch (IllegalArgumentException e) {
            throw new GraphException("perm: " + e.getMessage(), e);
        }
    }
}
