package ai.bonsai.api.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;

/**
 * The part of its source that a lazy parameter is after pruning: the loader it reads from (the
 * one given to {@link GraphBuilder#parameterSource}), the shape that loader returns, and, for each
 * dimension, the source indices kept, ascending ({@code null} where every index is kept). A writer
 * that knows the loader's file copies the kept elements straight from it, one block at a time,
 * without reading the whole tensor.
 *
 * <pre>{@code
 * p.sourceSelection().ifPresent(s -> copyRows(s.loader(), s.kept(0)));
 * }</pre>
 *
 * @param loader the parameter's loader
 * @param sourceShape the shape the loader returns
 * @param kept per dimension, the kept source indices, or {@code null} for all
 */
public record SourceSelection(Supplier<NDArray> loader, Shape sourceShape, int[][] kept) {

    /**
     * Checks that there is one entry per dimension and copies the indices.
     */
    public SourceSelection {
        if (kept.length != sourceShape.dimension()) {
            throw new IllegalArgumentException(kept.length + " index lists for the " + sourceShape.dimension()
                    + " dimensions of " + sourceShape);
        }
        kept = copy(kept);
    }

    private static int[][] copy(int[][] kept) {
        int[][] out = new int[kept.length][];
        for (int d = 0; d < kept.length; d++) {
            out[d] = kept[d] == null ? null : kept[d].clone();
        }
        return out;
    }

    /**
     * Returns the kept indices of every dimension (a copy).
     *
     * @return per dimension, the kept source indices, or {@code null} for all
     */
    @Override
    public int[][] kept() {
        return copy(kept);
    }

    /**
     * Returns the kept indices of one dimension (a copy).
     *
     * @param dim the dimension
     * @return the kept source indices, ascending, or {@code null} if every index is kept
     */
    public int[] kept(int dim) {
        return kept[dim] == null ? null : kept[dim].clone();
    }

    /**
     * Returns the shape after the selection.
     *
     * @return the selected shape
     */
    public Shape shape() {
        long[] s = sourceShape.getShape().clone();
        for (int d = 0; d < s.length; d++) {
            if (kept[d] != null) {
                s[d] = kept[d].length;
            }
        }
        return new Shape(s);
    }
}
