package ai.bonsai.onnx;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Static shape arithmetic for the ONNX shape ops (Reshape, Squeeze, Unsqueeze). */
final class Shapes {

    private Shapes() {
    }

    /**
     * Resolves a reshape target with at most one -1 against an input shape.
     *
     * @param target the target, 0 entries already replaced
     * @param input the input shape
     * @return the output shape
     */
    static Shape resolve(long[] target, Shape input) {
        long[] out = target.clone();
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape target " + Arrays.toString(target)
                            + " has two -1 entries");
                }
                unknown = i;
            } else {
                known *= out[i];
            }
        }
        if (unknown >= 0) {
            out[unknown] = known == 0 ? 0 : input.size() / known;
        }
        if (new Shape(out).size() != input.size()) {
            throw new IllegalArgumentException("cannot reshape " + input + " to "
                    + Arrays.toString(target));
        }
        return new Shape(out);
    }

    /**
     * Removes dimensions of length 1.
     *
     * @param dims the input dimensions
     * @param axes the axes to remove (negative from the end), or null for every length-1 axis
     * @return the output dimensions
     */
    static long[] squeeze(long[] dims, long[] axes) {
        boolean[] drop = new boolean[dims.length];
        if (axes == null) {
            for (int i = 0; i < dims.length; i++) {
                drop[i] = dims[i] == 1;
            }
        } else {
            for (long a : axes) {
                int d = (int) (a < 0 ? a + dims.length : a);
                if (d < 0 || d >= dims.length || dims[d] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + a + " of "
                            + Arrays.toString(dims));
                }
                drop[d] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (!drop[i]) {
                out.add(dims[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Inserts dimensions of length 1.
     *
     * @param dims the input dimensions
     * @param axes their positions in the output (negative from the end)
     * @return the output dimensions
     */
    static long[] unsqueeze(long[] dims, long[] axes) {
        int rank = dims.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int d = (int) (a < 0 ? a + rank : a);
            if (d < 0 || d >= rank || inserted[d]) {
                throw new IllegalArgumentException("invalid unsqueeze axes " + Arrays.toString(axes));
            }
            inserted[d] = true;
        }
        long[] out = new long[rank];
        int j = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : dims[j++];
        }
        return out;
    }

    /**
     * Returns the shape two shapes broadcast to (numpy rules, as ONNX's multidirectional
     * broadcasting and {@code Expand}).
     *
     * @param a one shape
     * @param b the other
     * @return the broadcast shape
     * @throws IllegalArgumentException when a dimension differs and neither side is 1
     */
    static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.dimension(), b.dimension());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = a.dimension() - rank + i;
            int ib = b.dimension() - rank + i;
            long da = ia < 0 ? 1 : a.get(ia);
            long db = ib < 0 ? 1 : b.get(ib);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }
}
