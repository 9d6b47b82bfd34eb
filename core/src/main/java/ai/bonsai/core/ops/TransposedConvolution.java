package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/**
 * A transposed convolution composed from operations the PyTorch engine of DJL has (it has no
 * deconvolution): zeros are inserted between input positions ({@code stride - 1} per gap), the
 * result is padded by {@code dilation * (kernel - 1) - padding} on each side (plus {@code
 * output_padding} at the end; negative amounts crop), and a stride-1 convolution runs with the
 * kernel flipped along every spatial dimension and its channel axes swapped within each group.
 * Every step is differentiable.
 */
final class TransposedConvolution {

    private TransposedConvolution() {
    }

    /**
     * The hyper-parameters of a transposed convolution, one entry per spatial dimension.
     *
     * @param stride the strides
     * @param padding the paddings
     * @param dilation the dilations
     * @param outputPadding the output paddings
     * @param groups the groups
     */
    record Geometry(long[] stride, long[] padding, long[] dilation, long[] outputPadding, int groups) {
    }

    /**
     * Computes the transposed convolution.
     *
     * @param x the input, N x in x spatial
     * @param weight the weight, {@code [in, out/groups, k...]}
     * @param bias the bias of length out, or null
     * @param g the hyper-parameters
     * @return the output, N x out x spatial
     */
    static NDArray apply(NDArray x, NDArray weight, NDArray bias, Geometry g) {
        int spatial = g.stride().length;
        NDArray y = x;
        for (int i = 0; i < spatial; i++) {
            int axis = i + 2;
            long edge = g.dilation()[i] * (weight.getShape().get(axis) - 1) - g.padding()[i];
            long stride = g.stride()[i];
            y = padAxis(spread(y, axis, stride), axis, edge, edge + g.outputPadding()[i]);
        }
        long[] ones = new long[spatial];
        java.util.Arrays.fill(ones, 1);
        return y.getNDArrayInternal().convolution(y, convolutionKernel(weight, g.groups()), bias,
                new Shape(ones), new Shape(new long[spatial]), new Shape(g.dilation()),
                g.groups()).head();
    }

    /**
     * Rearranges a transposed convolution's weight {@code [in, out/groups, k...]} into the
     * equivalent convolution's {@code [out, in/groups, k...]}, flipped spatially.
     */
    private static NDArray convolutionKernel(NDArray weight, int groups) {
        long[] w = weight.getShape().getShape();
        long[] grouped = new long[w.length + 1];
        grouped[0] = groups;
        grouped[1] = w[0] / groups;
        System.arraycopy(w, 1, grouped, 2, w.length - 1);
        long[] conv = w.clone();
        conv[0] = groups * w[1];
        conv[1] = w[0] / groups;
        int[] spatialAxes = IntStream.range(2, w.length).toArray();
        return weight.reshape(new Shape(grouped)).swapAxes(1, 2).reshape(new Shape(conv))
                .flip(spatialAxes);
    }

    /** Inserts {@code stride - 1} zeros between consecutive entries along an axis. */
    private static NDArray spread(NDArray x, int axis, long stride) {
        if (stride == 1) {
            return x;
        }
        long[] merged = x.getShape().getShape().clone();
        merged[axis] *= stride;
        NDArray spaced = padAxis(x.expandDims(axis + 1), axis + 1, 0, stride - 1);
        return padAxis(spaced.reshape(new Shape(merged)), axis, 0, 1 - stride);
    }

    /** Pads (or, for negative amounts, crops) one axis with zeros. */
    private static NDArray padAxis(NDArray x, int axis, long before, long after) {
        if (before == 0 && after == 0) {
            return x;
        }
        int fromEnd = x.getShape().dimension() - 1 - axis;
        long[] pads = new long[2 * (fromEnd + 1)];
        pads[2 * fromEnd] = before;
        pads[2 * fromEnd + 1] = after;
        return x.pad(new Shape(pads), 0);
    }
}
