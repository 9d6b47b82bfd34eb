package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.RowReader;

/**
 * Per-channel sums of an element-wise score of a weight, along its first two dimensions, in one
 * pass: {@code rows[o] = sum of e[o, ...]} and {@code cols[i] = sum of e[:, i, ...]}. Elements are
 * float32 values, as Torch-Pruning computes them; sums are accumulated in double and rounded to
 * float.
 *
 * @param rows the sums per index of dimension 0
 * @param cols the sums per index of dimension 1 (empty for a 1-D weight)
 */
record ChannelSums(float[] rows, float[] cols) {

    /** Fills a buffer with the element scores of one row (one index of dimension 0). */
    @FunctionalInterface
    interface Rows {

        /**
         * Writes row {@code o}'s element scores into {@code dst} (its whole length).
         *
         * @param o the row
         * @param dst the buffer
         */
        void read(int o, float[] dst);
    }

    /**
     * Sums element scores held in an array.
     *
     * @param elements the element scores, row-major
     * @param shape the weight's shape
     * @return the sums
     */
    static ChannelSums of(float[] elements, long[] shape) {
        return of((o, dst) -> System.arraycopy(elements, o * dst.length, dst, 0, dst.length), shape);
    }

    /**
     * Sums {@code |w|^p} of a parameter, computed row by row ({@link Parameter#rows()}), so that
     * no copy of the whole weight is made, and a lazy parameter streamed from its file is not
     * read into memory at all.
     *
     * @param weight the parameter
     * @param p the exponent
     * @return the sums
     */
    static ChannelSums ofPower(Parameter weight, double p) {
        long[] shape = weight.shape().getShape();
        try (RowReader rows = weight.rows()) {
            return of((o, dst) -> {
                rows.read(o, dst);
                Magnitudes.powerInPlace(dst, p);
            }, shape);
        }
    }

    private static ChannelSums of(Rows source, long[] shape) {
        int out = (int) shape[0];
        int rowLength = 1;
        for (int d = 1; d < shape.length; d++) {
            rowLength *= (int) shape[d];
        }
        float[] row = new float[rowLength];
        if (shape.length == 1) {
            float[] rows = new float[out];
            for (int o = 0; o < out; o++) {
                source.read(o, row);
                rows[o] = row[0];
            }
            return new ChannelSums(rows, new float[0]);
        }
        int in = (int) shape[1];
        int inner = rowLength / in;
        double[] rows = new double[out];
        double[] cols = new double[in];
        for (int o = 0; o < out; o++) {
            source.read(o, row);
            if (inner == 1) {
                for (int i = 0; i < in; i++) {
                    cols[i] += row[i];
                }
                rows[o] = sum(row, in);
                continue;
            }
            double rowSum = 0;
            int k = 0;
            for (int i = 0; i < in; i++) {
                double block = 0;
                for (int j = 0; j < inner; j++) {
                    block += row[k++];
                }
                cols[i] += block;
                rowSum += block;
            }
            rows[o] = rowSum;
        }
        return new ChannelSums(toFloat(rows), toFloat(cols));
    }

    /**
     * Sums the first {@code n} values in double, with four independent partial sums so that the
     * additions do not wait on one another (the sum of a row of a 1x1 convolution or a linear
     * layer). The order differs from a running sum by a few units in the last place of a double,
     * far below the float the sum is rounded to.
     */
    private static double sum(float[] v, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
        }
        for (; i < n; i++) {
            s0 += v[i];
        }
        return (s0 + s1) + (s2 + s3);
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
     * @param dim 0 for rows, 1 for columns
     * @return the sums
     */
    float[] along(int dim) {
        return dim == 0 ? rows : cols;
    }
}
