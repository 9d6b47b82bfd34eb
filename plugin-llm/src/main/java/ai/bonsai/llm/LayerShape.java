package ai.bonsai.llm;

/**
 * The sizes of one decoder layer; equal in every layer of a standard checkpoint, per layer after
 * non-uniform pruning.
 *
 * @param numHeads query heads ({@code num_attention_heads})
 * @param numKvHeads key/value heads ({@code num_key_value_heads}); divides {@code numHeads}
 * @param headDim the size of each head ({@code head_dim})
 * @param intermediateSize the MLP width ({@code intermediate_size})
 */
public record LayerShape(int numHeads, int numKvHeads, int headDim, int intermediateSize) {

    /**
     * Returns the query heads that share one key/value head.
     *
     * @return {@code numHeads / numKvHeads}
     */
    public int groupSize() {
        return numHeads / numKvHeads;
    }
}
