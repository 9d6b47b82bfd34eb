package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.djl.ndarray.types.Shape;

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
}
