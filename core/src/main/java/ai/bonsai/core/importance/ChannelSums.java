package ai.bonsai.core.importance;

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

    /**
     * Sums element scores.
     *
     * @param elements the element scores, row-major
     * @param shape the weight's shape
     * @return the sums
     */
    static ChannelSums of(float[] elements, long[] shape) {
        int out = (int) shape[0];
        if (shape.length == 1) {
            return new ChannelSums(elements.clone(), new float[0]);
        }
        int in = (int) shape[1];
        int inner = elements.length / (out * in);
        double[] rows = new double[out];
        double[] cols = new double[in];
        int k = 0;
        for (int o = 0; o < out; o++) {
            double rowSum = 0;
            for (int i = 0; i < in; i++) {
                double block = 0;
                for (int j = 0; j < inner; j++) {
                    block += elements[k++];
                }
                cols[i] += block;
                rowSum += block;
            }
            rows[o] = rowSum;
        }
        return new ChannelSums(toFloat(rows), toFloat(cols));
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
