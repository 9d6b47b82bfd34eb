package ai.bonsai.transformers;

/**
 * The widths of one encoder layer: what pruning changes per layer.
 *
 * @param heads the attention heads
 * @param headSize the channels per head of q, k and v
 * @param intermediate the MLP's inner width
 * @param scale the factor on q·kᵀ, {@code 1/sqrt(original head size)}: pruning head dims keeps it
 */
public record LayerSpec(int heads, int headSize, int intermediate, double scale) {

    /**
     * Checks the widths.
     *
     * @throws IllegalArgumentException if a width is not positive
     */
    public LayerSpec {
        if (heads < 1 || headSize < 1 || intermediate < 1 || !(scale > 0)) {
            throw new IllegalArgumentException("layer widths must be positive: heads " + heads
                    + ", head size " + headSize + ", intermediate " + intermediate + ", scale " + scale);
        }
    }

    /**
     * Returns the width of q, k and v: heads times head size.
     *
     * @return the width
     */
    public int attentionWidth() {
        return heads * headSize;
    }
}
