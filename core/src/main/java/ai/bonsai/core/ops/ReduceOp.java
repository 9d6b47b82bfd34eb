package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Base of the reductions over the dimensions {@code dims} (negative counting from the end),
 * keeping them as size-1 dimensions when {@code keepdim} is true.
 *
 * <p>Forward reduces one dimension at a time, the last first (the engine reduces one axis per
 * call). Channels: pass-through along the input's channel dimension when it is not reduced,
 * shifted down by the reduced dimensions before it unless {@code keepdim}; opaque when it is
 * reduced. MACs: 0.
 */
abstract class ReduceOp implements OpType {

    private final String name;

    /**
     * Creates the op type.
     *
     * @param name the registry name
     */
    ReduceOp(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    /**
     * Reduces one dimension.
     *
     * @param x the array
     * @param dim the dimension
     * @return the array with {@code dim} reduced to size 1
     */
    abstract NDArray reduce(NDArray x, int dim);

    /** The reduced dimensions, in {@code [0, rank)}, ascending and distinct. */
    private static int[] dims(Attributes a, int rank) {
        long[] dims = a.getLongs("dims");
        if (dims.length == 0) {
            throw new GraphException("attribute 'dims' must name at least one dimension");
        }
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = Shapes.normalizeDim(dims[i], rank, "dims entry");
        }
        int[] sorted = Arrays.stream(d).sorted().distinct().toArray();
        if (sorted.length != d.length) {
            throw new GraphException("attribute 'dims' " + Arrays.toString(dims)
                    + " names a dimension twice");
        }
        return sorted;
    }

    @Override
    public final List<Shape> inferShapes(Node node, List<Shape> in) {
        return List.of(reduced(node.attributes(), Shapes.requireInputs(in, 1).get(0)));
    }

    /** The output shape for an input shape. */
    private static Shape reduced(Attributes a, Shape x) {
        int[] dims = dims(a, x.dimension());
        boolean keep = a.getBoolean("keepdim");
        long[] out = new long[keep ? x.dimension() : x.dimension() - dims.length];
        for (int d = 0, k = 0; d < x.dimension(); d++) {
            boolean reduced = Arrays.binarySearch(dims, d) >= 0;
            if (keep) {
                out[d] = reduced ? 1 : x.get(d);
            } else if (!reduced) {
                out[k++] = x.get(d);
            }
        }
        return new Shape(out);
    }

    @Override
    public final NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        int[] dims = dims(node.attributes(), x.getShape().dimension());
        NDArray y = x;
        for (int i = dims.length - 1; i >= 0; i--) {
            y = reduce(y, dims[i]);
        }
        return new NDList(y.reshape(reduced(node.attributes(), x.getShape())));
    }

    @Override
    public final ChannelSemantics channels(Node node) {
        Value x = node.input();
        int c = x.channelDim();
        if (c < 0) {
            return Channels.none(1, 1);
        }
        int[] dims = dims(node.attributes(), x.shape().dimension());
        if (Arrays.binarySearch(dims, c) >= 0) {
            return ChannelSemantics.opaque(1, 1);
        }
        int out = c;
        if (!node.attributes().getBoolean("keepdim")) {
            out -= (int) Arrays.stream(dims).filter(d -> d < c).count();
        }
        int channels = Math.toIntExact(x.shape().get(c));
        return new ChannelSemantics(Coupling.COUPLED, channels, channels,
                List.of(ChannelSlot.at(c)), List.of(ChannelSlot.at(out)));
    }
}
