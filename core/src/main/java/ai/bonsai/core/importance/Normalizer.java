package ai.bonsai.core.importance;

import java.util.Arrays;

/** How a group's scores are normalized (Torch-Pruning's {@code normalizer}). */
public enum Normalizer {
    /** Scores unchanged. */
    NONE,
    /** {@code s / mean(s)}. */
    MEAN,
    /** {@code s / max(s)}. */
    MAX,
    /** {@code s / sum(s)}. */
    SUM,
    /** {@code (s - min) / (max - min + 1e-8)}. */
    STANDARDIZATION,
    /** {@code (s - mean) / (std + 1e-8)}, unbiased std. */
    GAUSSIAN;

    /**
     * Normalizes scores in place (float32 arithmetic).
     *
     * @param s the scores
     */
    void apply(float[] s) {
        if (this == NONE || s.length == 0) {
            return;
        }
        float sum = 0;
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        for (float v : s) {
            sum += v;
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        float mean = sum / s.length;
        switch (this) {
            case MEAN:
                divide(s, mean);
                break;
            case MAX:
                divide(s, max);
                break;
            case SUM:
                divide(s, sum);
                break;
            case STANDARDIZATION:
                for (int i = 0; i < s.length; i++) {
                    s[i] = (s[i] - min) / (max - min + 1e-8f);
                }
                break;
            case GAUSSIAN:
                double var = 0;
                for (float v : s) {
                    var += (v - mean) * (double) (v - mean);
                }
                float std = (float) Math.sqrt(var / Math.max(1, s.length - 1));
                for (int i = 0; i < s.length; i++) {
                    s[i] = (s[i] - mean) / (std + 1e-8f);
                }
                break;
            default:
                throw new IllegalStateException(name() + " " + Arrays.toString(s));
        }
    }

    private static void divide(float[] s, float d) {
        for (int i = 0; i < s.length; i++) {
            s[i] /= d;
        }
    }
}
