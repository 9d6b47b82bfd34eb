package ai.bonsai.llm;

import ai.bonsai.api.graph.Attributes;

/**
 * Rotary position embedding frequencies: the base {@code rope_theta} and the optional {@code
 * rope_scaling} of Hugging Face configs, types {@code default}, {@code linear} and {@code llama3}.
 *
 * @param theta the base ({@code rope_theta})
 * @param type {@code default}, {@code linear} or {@code llama3}
 * @param factor the scaling factor (1 for {@code default})
 * @param lowFreqFactor {@code low_freq_factor} ({@code llama3} only)
 * @param highFreqFactor {@code high_freq_factor} ({@code llama3} only)
 * @param originalMaxPositions {@code original_max_position_embeddings} ({@code llama3} only)
 */
public record RopeScaling(double theta, String type, double factor, double lowFreqFactor,
        double highFreqFactor, long originalMaxPositions) {

    /** The rope types this plugin computes. */
    public static final java.util.List<String> TYPES = java.util.List.of("default", "linear", "llama3");

    /**
     * Unscaled frequencies.
     *
     * @param theta the base
     * @return the settings
     */
    public static RopeScaling unscaled(double theta) {
        return new RopeScaling(theta, "default", 1, 0, 0, 0);
    }

    /**
     * Returns the inverse frequencies {@code theta^(-2i/headDim)}, i &lt; headDim / 2, with the
     * scaling applied as Hugging Face's rope initialisation functions do.
     *
     * @param headDim the rotated head size (even)
     * @return headDim / 2 inverse frequencies
     */
    public double[] inverseFrequencies(int headDim) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, 2.0 * i / headDim);
        }
        switch (type) {
            case "linear":
                for (int i = 0; i < inv.length; i++) {
                    inv[i] /= factor;
                }
                break;
            case "llama3":
                scaleLlama3(inv);
                break;
            default:
                break;
        }
        return inv;
    }

    private void scaleLlama3(double[] inv) {
        double lowWavelen = originalMaxPositions / lowFreqFactor;
        double highWavelen = originalMaxPositions / highFreqFactor;
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] /= factor;
            } else if (wavelen >= highWavelen) {
                double smooth = (originalMaxPositions / wavelen - lowFreqFactor)
                        / (highFreqFactor - lowFreqFactor);
                inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
            }
        }
    }

    /**
     * Adds these settings to a rotary node's attributes.
     *
     * @param a the attributes
     * @return the attributes with {@code rope_theta}, {@code rope_type} and the scaling fields
     */
    public Attributes addTo(Attributes a) {
        return a.with("rope_theta", theta).with("rope_type", type).with("rope_factor", factor)
                .with("low_freq_factor", lowFreqFactor).with("high_freq_factor", highFreqFactor)
                .with("original_max_position_embeddings", originalMaxPositions);
    }

    /**
     * Reads the settings back from a rotary node's attributes.
     *
     * @param a the attributes written by {@link #addTo}
     * @return the settings
     */
    public static RopeScaling from(Attributes a) {
        return new RopeScaling(a.getDouble("rope_theta"), a.getString("rope_type"),
                a.getDouble("rope_factor"), a.getDouble("low_freq_factor"),
                a.getDouble("high_freq_factor"), a.getLong("original_max_position_embeddings"));
    }
}
