package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import java.util.Arrays;
import java.util.Locale;

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
    GAUSSIAN,
    /**
     * LAMP (layer-adaptive magnitude pruning): with the scores sorted ascending, each is divided
     * by the sum of itself and every larger score. The running sum is accumulated in double and
     * rounded to float, as PyTorch's CPU {@code cumsum} does.
     */
    LAMP;

    /**
     * Reads a normalizer by name: the enum names in any case, and Torch-Pruning's spelling
     * {@code standarization}.
     *
     * @param field the config field, for the error message
     * @param name the name
     * @return the normalizer
     * @throws ConfigException if the name is unknown
     */
    public static Normalizer parse(String field, String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.equals("STANDARIZATION")) {
            return STANDARDIZATION;
        }
        for (Normalizer v : values()) {
            if (v.name().equals(n)) {
                return v;
            }
        }
        throw new ConfigException(field, "unknown normalizer '" + name + "'; known: "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    /**
     * Normalizes scores in place (float32 arithmetic).
     *
     * @param s the scores
     */
    void apply(float[] s) {
        if (this == NONE || s.length == 0) {
            return;
        }
        if (this == LAMP) {
            lamp(s);
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

    private static void lamp(float[] s) {
        Integer[] order = new Integer[s.length];
        double total = 0;
        for (int i = 0; i < s.length; i++) {
            order[i] = i;
            total += s[i];
        }
        Arrays.sort(order, (a, b) -> Float.compare(s[a], s[b]));
        float sum = (float) total;
        float[] sorted = new float[s.length];
        for (int k = 0; k < s.length; k++) {
            sorted[k] = s[order[k]];
        }
        double cumsum = 0;
        for (int k = 0; k < s.length; k++) {
            float before = (float) cumsum;
            cumsum += sorted[k];
            s[order[k]] = sorted[k] / (sum - before);
        }
    }

    private static void divide(float[] s, float d) {
        for (int i = 0; i < s.length; i++) {
            s[i] /= d;
        }
    }
}
