package ai.bonsai.core.importance;

import ai.djl.ndarray.NDArray;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * {@code sum |w|^p} of a weight per index of its first two dimensions (output rows and input
 * columns), computed in one pass over the data. Each {@code |w|^p} is a float32 value, as
 * Torch-Pruning computes it; sums are accumulated in double and rounded to float.
 *
 * @param weight the weight, {@code [out, in, ...]} or {@code [channels]}
 * @param rows the sums per index of dimension 0
 * @param cols the sums per index of dimension 1 (empty for a 1-D weight)
 */
record ChannelNorms(NDArray weight, float[] rows, float[] cols) {

    static ChannelNorms of(NDArray weight, double p) {
        long[] shape = weight.getShape().getShape();
        FloatBuffer data = weight.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        int out = (int) shape[0];
        if (shape.length == 1) {
            double[] rows = new double[out];
            for (int o = 0; o < out; o++) {
                rows[o] = power(data.get(o), p);
            }
            return new ChannelNorms(weight, toFloat(rows), new float[0]);
        }
        int in = (int) shape[1];
        int inner = data.remaining() / (out * in);
        double[] rows = new double[out];
        double[] cols = new double[in];
        float[] row = new float[in * inner];
        for (int o = 0; o < out; o++) {
            data.get(o * row.length, row);
            double rowSum = 0;
            if (inner == 1 && p == 2) {
                for (int i = 0; i < in; i++) {
                    cols[i] += row[i] * row[i];
                }
                for (int i = 0; i < in; i++) {
                    rowSum += row[i] * row[i];
                }
            } else if (inner == 1) {
                for (int i = 0; i < in; i++) {
                    double v = power(row[i], p);
                    cols[i] += v;
                    rowSum += v;
                }
            } else {
                int k = 0;
                for (int i = 0; i < in; i++) {
                    double block = 0;
                    for (int j = 0; j < inner; j++) {
                        block += power(row[k++], p);
                    }
                    cols[i] += block;
                    rowSum += block;
                }
            }
            rows[o] = rowSum;
        }
        return new ChannelNorms(weight, toFloat(rows), toFloat(cols));
    }

    private static double power(float v, double p) {
        if (p == 2) {
            return v * v;
        }
        double a = Math.abs(v);
        return p == 1 ? a : Math.pow(a, p);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * Returns the sums along one dimension.
     *
     * @param dim 0 for rows (output channels), 1 for columns (input channels)
     * @return the sums
     */
    float[] along(int dim) {
        return dim == 0 ? rows : cols;
    }
}
