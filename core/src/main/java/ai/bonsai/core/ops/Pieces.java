package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Cutting one dimension into consecutive pieces, shared by {@code split} and {@code chunk}: the
 * output shapes, the forward cut, the channel slots when the cut dimension carries the channels,
 * and the piece lengths left after pruning.
 */
final class Pieces {

    private Pieces() {
    }

    /**
     * Returns the shapes of the pieces.
     *
     * @param x the input shape
     * @param dim the cut dimension
     * @param sizes the piece lengths along {@code dim}
     * @return one shape per piece
     */
    static List<Shape> shapes(Shape x, int dim, long[] sizes) {
        List<Shape> out = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            long[] shape = x.getShape().clone();
            shape[dim] = s;
            out.add(new Shape(shape));
        }
        return out;
    }

    /**
     * Cuts an array into consecutive pieces.
     *
     * @param x the array
     * @param dim the cut dimension
     * @param sizes the piece lengths along {@code dim}
     * @return the pieces in order
     */
    static NDList cut(NDArray x, int dim, long[] sizes) {
        long[] cuts = new long[sizes.length - 1];
        long offset = 0;
        for (int k = 0; k < cuts.length; k++) {
            offset += sizes[k];
            cuts[k] = offset;
        }
        return x.split(cuts, dim);
    }

    /**
     * Returns the output slots of a cut along the channel dimension: piece k occupies
     * {@code [offset_k, offset_k + sizes[k])} of the input's channels.
     *
     * @param dim the channel dimension
     * @param sizes the piece lengths
     * @return one slot per piece
     */
    private static List<ChannelSlot> slots(int dim, long[] sizes) {
        List<ChannelSlot> slots = new ArrayList<>(sizes.length);
        int offset = 0;
        for (long s : sizes) {
            int size = Math.toIntExact(s);
            slots.add(new ChannelSlot(dim, new IndexMapping.Offset(offset, size)));
            offset += size;
        }
        return slots;
    }

    /**
     * Channel semantics of a node that cuts its input into pieces along {@code cutDim}: coupled;
     * cut along the channel dimension, each piece maps to its range of the input's channels,
     * otherwise every piece carries all channels.
     *
     * @param node the node
     * @param cutDim the dimension that is cut
     * @param sizes the piece lengths (read only when {@code cutDim} is the channel dimension)
     * @return the semantics
     */
    static ChannelSemantics semantics(Node node, int cutDim, Supplier<long[]> sizes) {
        int outputs = node.outputs().size();
        int c = node.input().channelDim();
        if (c < 0) {
            return Channels.none(1, outputs);
        }
        int channels = Math.toIntExact(node.input().shape().get(c));
        List<ChannelSlot> out = c == cutDim
                ? slots(c, sizes.get())
                : Collections.nCopies(outputs, ChannelSlot.at(c));
        return new ChannelSemantics(Coupling.COUPLED, channels, channels, List.of(ChannelSlot.at(c)), out);
    }

    /**
     * Returns the piece lengths left once indices of the cut dimension are removed: each removed
     * index shortens the piece it falls in.
     *
     * @param sizes the piece lengths
     * @param idxs the removed indices, ascending
     * @return the new lengths (a piece may reach 0)
     */
    static long[] remaining(long[] sizes, IndexSet idxs) {
        long[] left = sizes.clone();
        int k = 0;
        long end = sizes[0];
        for (int i : idxs.toArray()) {
            while (k < sizes.length - 1 && i >= end) {
                end += sizes[++k];
            }
            left[k]--;
        }
        return left;
    }
}
