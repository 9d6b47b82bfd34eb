package ai.bonsai.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Import-time kernels of the ONNX operators {@link ConstantFolder} evaluates element by element:
 * {@code Mod} (the padding arithmetic of windowed attention, {@code (ws - W % ws) % ws}) and
 * {@code ScatterND} without reduction (slice assignments such as Swin's attention-mask regions).
 */
final class ConstantKernels {

    private ConstantKernels() {
    }

    /**
     * ONNX Mod with broadcasting: the sign of the divisor (Python's {@code %}) when {@code fmod}
     * is 0, the sign of the dividend (C's {@code fmod}) when it is 1.
     *
     * @param a the dividends
     * @param b the divisors
     * @param fmod the operator's {@code fmod} attribute
     * @return the remainders, of the dividends' type
     * @throws IllegalArgumentException on an integer division by zero
     */
    static NDArray mod(NDArray a, NDArray b, boolean fmod) {
        Shape out = Shapes.broadcast(a.getShape(), b.getShape());
        double[] x = a.broadcast(out).toType(DataType.FLOAT64, false).toDoubleArray();
        double[] y = b.broadcast(out).toType(DataType.FLOAT64, false).toDoubleArray();
        boolean integer = a.getDataType().isInteger();
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            if (integer && y[i] == 0) {
                throw new IllegalArgumentException("Mod: integer division by zero at element " + i);
            }
            r[i] = x[i] % y[i];
            if (!fmod && r[i] != 0 && (r[i] < 0) != (y[i] < 0)) {
                r[i] += y[i];
            }
        }
        return a.getManager().create(r, out).toType(a.getDataType(), false);
    }

    /**
     * ONNX ScatterND with {@code reduction="none"}: a copy of {@code data} in which the slice each
     * index tuple (the last axis of {@code indices}) selects is replaced by the matching slice of
     * {@code updates}; negative indices count from the end.
     *
     * @param data the tensor written into
     * @param indices index tuples, {@code [..., k]} with k at most the rank of data
     * @param updates the values, of shape {@code indices.shape[:-1] + data.shape[k:]}
     * @return the updated copy, of data's type and shape
     * @throws IllegalArgumentException when the shapes do not fit or an index is out of range
     */
    static NDArray scatterNd(NDArray data, NDArray indices, NDArray updates) {
        long[] dims = data.getShape().getShape();
        long[] idxDims = indices.getShape().getShape();
        int k = idxDims.length == 0 ? 0 : (int) idxDims[idxDims.length - 1];
        if (idxDims.length == 0 || k > dims.length) {
            throw new IllegalArgumentException("ScatterND: indices of shape " + indices.getShape()
                    + " do not index data of shape " + data.getShape());
        }
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= dims[d];
        }
        int sliceSize = Math.toIntExact(k == 0 ? stride : strides[k - 1]);
        long[] idx = indices.toType(DataType.INT64, false).toLongArray();
        int tuples = k == 0 ? 1 : idx.length / k;
        double[] out = data.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] up = updates.toType(DataType.FLOAT64, false).toDoubleArray();
        if (up.length != (long) tuples * sliceSize) {
            throw new IllegalArgumentException("ScatterND: updates of shape " + updates.getShape() + " do not fit "
                    + tuples + " slices of " + sliceSize + " elements of data of shape " + data.getShape());
        }
        for (int t = 0; t < tuples; t++) {
            long offset = 0;
            for (int j = 0; j < k; j++) {
                long i = idx[t * k + j];
                long at = i < 0 ? i + dims[j] : i;
                if (at < 0 || at >= dims[j]) {
                    throw new IllegalArgumentException("ScatterND: index " + i + " out of range on axis " + j
                            + " of data of shape " + data.getShape());
                }
                offset += at * strides[j];
            }
            System.arraycopy(up, t * sliceSize, out, Math.toIntExact(offset), sliceSize);
        }
        return data.getManager().create(out, data.getShape()).toType(data.getDataType(), false);
    }
}
