package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/** Shape arithmetic shared by the built-in op types. */
final class Shapes {

    private Shapes() {
    }

    /**
     * Checks a tensor's rank.
     *
     * @param s the shape
     * @param rank the expected rank
     * @param what the tensor's role, for the message
     * @return the shape
     */
    static Shape requireRank(Shape s, int rank, String what) {
        if (s.dimension() != rank) {
            throw new GraphException(what + " must have rank " + rank + ", found " + s);
        }
        return s;
    }

    /**
     * Output length of a convolution or pooling window along one dimension (floor mode).
     *
     * @param in input length
     * @param kernel kernel length
     * @param stride stride
     * @param padding padding on each side
     * @param dilation dilation
     * @return output length
     */
    static long convOut(long in, long kernel, long stride, long padding, long dilation) {
        long out = (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        if (out < 1) {
            throw new GraphException("window " + kernel + " (stride " + stride + ", padding "
                    + padding + ", dilation " + dilation + ") does not fit input length " + in);
        }
        return out;
    }

    /**
     * Output length of a transposed convolution along one dimension, as PyTorch computes it.
     *
     * @param in input length
     * @param kernel kernel length
     * @param stride stride
     * @param padding padding removed from each side
     * @param dilation dilation
     * @param outputPadding extra length added on one side
     * @return output length
     */
    static long transposedConvOut(long in, long kernel, long stride, long padding, long dilation,
            long outputPadding) {
        if (outputPadding < 0 || outputPadding >= Math.max(stride, dilation)) {
            throw new GraphException("output_padding " + outputPadding
                    + " must be >= 0 and smaller than stride " + stride + " or dilation " + dilation);
        }
        long out = (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
        if (out < 1) {
            throw new GraphException("transposed window " + kernel + " (stride " + stride
                    + ", padding " + padding + ", dilation " + dilation
                    + ") leaves no output for input length " + in);
        }
        return out;
    }

    /**
     * Checks a tensor's minimum rank.
     *
     * @param s the shape
     * @param minRank the smallest rank accepted
     * @param what the tensor's role, for the message
     * @return the shape
     */
    static Shape requireMinRank(Shape s, int minRank, String what) {
        if (s.dimension() < minRank) {
            throw new GraphException(what + " must have rank >= " + minRank + ", found " + s);
        }
        return s;
    }

    /**
     * Checks the number of inputs of a node.
     *
     * @param in the input shapes
     * @param count the expected number of inputs
     * @return the input shapes
     */
    static List<Shape> requireInputs(List<Shape> in, int count) {
        if (in.size() != count) {
            throw new GraphException("expects " + count + (count == 1 ? " input" : " inputs")
                    + ", found " + in.size());
        }
        return in;
    }

    /**
     * Resolves a possibly negative dimension index against a rank, PyTorch style.
     *
     * @param dim the dimension, negative counting from the end
     * @param rank the tensor's rank
     * @param what the attribute's name, for the message
     * @return the dimension in {@code [0, rank)}
     */
    static int normalizeDim(long dim, int rank, String what) {
        long d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new GraphException(what + " " + dim + " is out of range for rank " + rank);
        }
        return (int) d;
    }

    /**
     * Reads a two-element integer attribute such as {@code kernel} or {@code stride}.
     *
     * @param a the attributes
     * @param key the attribute name
     * @return the pair
     */
    static long[] pair(Attributes a, String key) {
        return tuple(a, key, 2);
    }

    /**
     * Reads an integer attribute with one entry per spatial dimension, such as a convolution's
     * {@code kernel} or {@code stride}.
     *
     * @param a the attributes
     * @param key the attribute name
     * @param length the number of entries expected
     * @return the entries
     */
    static long[] tuple(Attributes a, String key, int length) {
        long[] v = a.getLongs(key);
        if (v.length != length) {
            throw new GraphException("attribute '" + key + "' must have " + length
                    + " entries, found " + Arrays.toString(v));
        }
        return v;
    }

    /**
     * NumPy broadcasting of two shapes: dimensions aligned from the end, each pair equal or one
     * of them 1.
     *
     * @param a the first shape
     * @param b the second shape
     * @return the broadcast shape
     */
    static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.dimension(), b.dimension());
        long[] out = new long[rank];
        for (int i = 1; i <= rank; i++) {
            long x = i <= a.dimension() ? a.get(a.dimension() - i) : 1;
            long y = i <= b.dimension() ? b.get(b.dimension() - i) : 1;
            if (x != y && x != 1 && y != 1) {
                throw new GraphException("shapes " + a + " and " + b
                        + " cannot be broadcast together");
            }
            out[rank - i] = x == 1 ? y : x;
        }
        return new Shape(out);
    }

    /**
     * Output length of a pooling window along one dimension, as PyTorch computes it: in ceil
     * mode the last window is kept only if it starts inside the input or the left padding.
     *
     * @param in input length
     * @param kernel kernel length
     * @param stride stride
     * @param padding implicit padding on each side, at most half the kernel
     * @param ceilMode whether to round up
     * @return output length
     */
    static long poolOut(long in, long kernel, long stride, long padding, boolean ceilMode) {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new GraphException("pooling window " + kernel + " (stride " + stride
                    + ", padding " + padding
                    + ") must have kernel >= 1, stride >= 1, padding >= 0");
        }
        if (padding > kernel / 2) {
            throw new GraphException("padding " + padding + " must be at most half the kernel "
                    + kernel);
        }
        long span = in + 2 * padding - kernel;
        if (span < 0) {
            throw new GraphException("pooling window " + kernel + " (padding " + padding
                    + ") does not fit input length " + in);
        }
        long out = (ceilMode ? Math.floorDiv(span + stride - 1, stride) : span / stride) + 1;
        if (ceilMode && (out - 1) * stride >= in + padding) {
            out--;
        }
        return out;
    }
}
