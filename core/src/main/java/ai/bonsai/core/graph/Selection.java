package ai.bonsai.core.graph;

import ai.bonsai.api.graph.SourceSelection;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A pending selection of a tensor: for each dimension, the kept indices of the source (or all).
 * Pruning composes selections without touching data; {@link #apply} copies the kept elements in
 * one pass, in contiguous blocks, straight into the native buffer of the new tensor.
 */
final class Selection {

    private final long[] sourceShape;
    private final int[][] keep;

    private Selection(long[] sourceShape, int[][] keep) {
        this.sourceShape = sourceShape;
        this.keep = keep;
    }

    /**
     * Selects everything of a tensor.
     *
     * @param shape the source shape
     * @return the identity selection
     */
    static Selection all(Shape shape) {
        return new Selection(shape.getShape().clone(), new int[shape.dimension()][]);
    }

    boolean isIdentity() {
        for (int[] k : keep) {
            if (k != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells whether every dimension but the first is kept whole.
     *
     * @return true if pruning removed rows only, or nothing
     */
    boolean keepsWholeRows() {
        for (int d = 1; d < keep.length; d++) {
            if (keep[d] != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the kept source indices of dimension 0.
     *
     * @return the indices, or null if every row is kept (or the tensor is a scalar)
     */
    int[] keptRows() {
        return keep.length == 0 ? null : keep[0];
    }

    Shape shape() {
        long[] s = sourceShape.clone();
        for (int d = 0; d < s.length; d++) {
            if (keep[d] != null) {
                s[d] = keep[d].length;
            }
        }
        return new Shape(s);
    }

    /**
     * Describes this selection of a loader's tensor.
     *
     * @param loader the source
     * @return the selection, as the api describes it
     */
    SourceSelection of(Supplier<NDArray> loader) {
        return new SourceSelection(loader, new Shape(sourceShape.clone()), keep);
    }

    /**
     * Returns this selection with positions of one dimension removed (positions count in the
     * selected tensor, not the source).
     *
     * @param dim the dimension
     * @param removeSorted the positions to remove, ascending and in range
     * @return the narrower selection
     */
    Selection remove(int dim, int[] removeSorted) {
        int size = keep[dim] == null ? (int) sourceShape[dim] : keep[dim].length;
        int[] kept = new int[size - removeSorted.length];
        int r = 0;
        int k = 0;
        for (int pos = 0; pos < size; pos++) {
            if (r < removeSorted.length && removeSorted[r] == pos) {
                r++;
            } else {
                kept[k++] = keep[dim] == null ? pos : keep[dim][pos];
            }
        }
        int[][] next = keep.clone();
        next[dim] = kept;
        return new Selection(sourceShape, next);
    }

    /**
     * Copies the selected elements of a source array into a new array.
     *
     * @param source the source, of this selection's source shape
     * @param manager the manager of the result
     * @return the selected tensor
     */
    NDArray apply(NDArray source, NDManager manager) {
        int last = keep.length - 1;
        while (last >= 0 && keep[last] == null) {
            last--;
        }
        int elementBytes = source.getDataType().getNumOfBytes();
        long block = elementBytes;
        for (int d = last + 1; d < sourceShape.length; d++) {
            block *= sourceShape[d];
        }
        long[] strides = new long[sourceShape.length];
        long stride = elementBytes;
        for (int d = sourceShape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= sourceShape[d];
        }
        Shape shape = shape();
        ByteBuffer src = source.toByteBuffer(true).order(ByteOrder.nativeOrder());
        if (source.getDataType() == DataType.FLOAT32) {
            long[] elementStrides = new long[strides.length];
            for (int d = 0; d < strides.length; d++) {
                elementStrides[d] = strides[d] / elementBytes;
            }
            ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(shape.size() * elementBytes))
                    .order(ByteOrder.nativeOrder());
            new FloatGather(src.asFloatBuffer(), out.asFloatBuffer(), elementStrides,
                    Math.toIntExact(block / elementBytes), last).run(0, 0L);
            return manager.create(out, shape, DataType.FLOAT32);
        }
        ByteBuffer dst = ByteBuffer.allocateDirect(Math.toIntExact(shape.size() * elementBytes))
                .order(ByteOrder.nativeOrder());
        copy(src, dst, 0, 0L, last, strides, Math.toIntExact(block));
        dst.rewind();
        return manager.create(dst, shape, source.getDataType());
    }

    /**
     * Copies the kept float elements: each slice along the last narrowed dimension is read in
     * one bulk copy, its kept blocks are picked in the heap and written in one bulk copy, so the
     * source's rows that are dropped are never read.
     */
    private final class FloatGather {

        private final FloatBuffer src;
        private final FloatBuffer dst;
        private final long[] strides;
        private final int block;
        private final int last;
        private final float[] slice;
        private final float[] kept;

        FloatGather(FloatBuffer src, FloatBuffer dst, long[] strides, int block, int last) {
            this.src = src;
            this.dst = dst;
            this.strides = strides;
            this.block = block;
            this.last = last;
            this.slice = new float[Math.toIntExact(sourceShape[last] * block)];
            this.kept = new float[keep[last].length * block];
        }

        void run(int dim, long offset) {
            if (dim == last) {
                src.get(Math.toIntExact(offset), slice, 0, slice.length);
                int[] k = keep[last];
                if (block == 1) {
                    for (int i = 0; i < k.length; i++) {
                        kept[i] = slice[k[i]];
                    }
                } else {
                    for (int i = 0; i < k.length; i++) {
                        System.arraycopy(slice, k[i] * block, kept, i * block, block);
                    }
                }
                dst.put(kept);
                return;
            }
            int n = keep[dim] == null ? (int) sourceShape[dim] : keep[dim].length;
            for (int i = 0; i < n; i++) {
                long index = keep[dim] == null ? i : keep[dim][i];
                run(dim + 1, offset + index * strides[dim]);
            }
        }
    }

    private void copy(ByteBuffer src, ByteBuffer dst, int dim, long offset, int last, long[] strides, int block) {
        if (dim > last) {
            dst.put(dst.position(), src, Math.toIntExact(offset), block);
            dst.position(dst.position() + block);
            return;
        }
        int n = keep[dim] == null ? (int) sourceShape[dim] : keep[dim].length;
        for (int i = 0; i < n; i++) {
            long index = keep[dim] == null ? i : keep[dim][i];
            copy(src, dst, dim + 1, offset + index * strides[dim], last, strides, block);
        }
    }

    @Override
    public String toString() {
        return Arrays.deepToString(keep);
    }
}
