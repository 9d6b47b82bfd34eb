package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Parameter;

/** Element-wise {@code |w|^p} in float32, as Torch-Pruning's {@code w.abs().pow(p)}. */
final class Magnitudes {

    private Magnitudes() {
    }

    /**
     * Returns {@code |w|^p} of every element of a parameter.
     *
     * @param parameter the parameter
     * @param p the exponent
     * @return the element scores, row-major
     */
    static float[] of(Parameter parameter, double p) {
        float[] v = parameter.array().toFloatArray();
        powerInPlace(v, p);
        return v;
    }

    /**
     * Replaces every value by {@code |v|^p}.
     *
     * @param v the values
     * @param p the exponent
     */
    static void powerInPlace(float[] v, double p) {
        for (int i = 0; i < v.length; i++) {
            v[i] = power(v[i], p);
        }
    }

    private static float power(float v, double p) {
        if (p == 2) {
            return v * v;
        }
        float a = Math.abs(v);
        return p == 1 ? a : (float) Math.pow(a, p);
    }
}
