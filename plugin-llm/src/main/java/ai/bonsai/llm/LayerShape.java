package ai.bonsai.llm;

/**
 * The sizes of one decoder layer; equal in every layer of a standard checkpoint, per layer after
 * non-uniform pruning.
 *
 * @param numHeads query heads ({@code num_attention_heads})
 * @param numKvHeads key/value heads ({@code num_key_value_heads}); divides {@code numHeads}
 * @param headDim the size of each head ({@code head_dim})
 * @param intermediateSize the MLP width ({@code intermediate_size})
 * @param rope the rotary pairs every head keeps (all of them unless head dimensions were pruned)
 */
public record LayerShape(int numHeads, int numKvHeads, int headDim, int intermediateSize, RopePairs rope) {

    /**
     * Checks that the rotary pairs span the head.
     *
     * @throws IllegalArgumentException if they do not
     */
    public LayerShape {
        if (rope.headDim() != headDim) {
            throw new IllegalArgumentException("rotary pairs " + rope.kept() + " do not span head_dim " + headDim);
        }
    }

    /**
     * A layer whose heads keep every rotary pair.
     *
     * @param numHeads query heads
     * @param numKvHeads key/value heads
     * @param headDim the size of each head
     * @param intermediateSize the MLP width
     */
    public LayerShape(int numHeads, int numKvHeads, int headDim, int intermediateSize) {
        this(numHeads, numKvHeads, headDim, intermediateSize, RopePairs.all(headDim));
    }

    /**
     * Returns the query heads that share one key/value head.
     *
     * @return {@code numHeads / numKvHeads}
     */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /**
     * Returns the same layer with other head counts, the head size and rotary pairs kept.
     *
     * @param heads query heads
     * @param kvHeads key/value heads
     * @return the layer
     */
    public LayerShape withHeads(int heads, int kvHeads) {
        return new LayerShape(heads, kvHeads, headDim, intermediateSize, rope);
    }
}
