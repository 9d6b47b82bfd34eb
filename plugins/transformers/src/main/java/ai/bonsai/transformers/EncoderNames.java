package ai.bonsai.transformers;

/**
 * Node names of an encoder graph, which are Hugging Face's module paths, so that every
 * parameter's full name is its tensor name in {@code model.safetensors}.
 *
 * @param family the family
 * @param base the base model's prefix: {@code bert.} / {@code vit.} in task models, empty in a
 *     base model's own checkpoint
 */
public record EncoderNames(Family family, String base) {

    /**
     * Returns the embeddings module ({@code bert.embeddings}).
     *
     * @return the path
     */
    public String embeddings() {
        return base + "embeddings";
    }

    /**
     * Returns layer i ({@code bert.encoder.layer.0}).
     *
     * @param i the layer
     * @return the path
     */
    public String layer(int i) {
        return base + "encoder.layer." + i;
    }

    /**
     * Returns layer i's self-attention module, the name of its {@code attention} node.
     *
     * @param i the layer
     * @return the path
     */
    public String selfAttention(int i) {
        return layer(i) + "." + family.selfAttention();
    }

    /**
     * Returns layer i's query, key or value projection.
     *
     * @param i the layer
     * @param which {@code query}, {@code key} or {@code value}
     * @return the path
     */
    public String projection(int i, String which) {
        return selfAttention(i) + "." + which;
    }

    /**
     * Returns layer i's attention output projection.
     *
     * @param i the layer
     * @return the path
     */
    public String attentionOutput(int i) {
        return layer(i) + ".attention.output.dense";
    }

    /**
     * Returns layer i's MLP input projection (its output channels are the MLP width).
     *
     * @param i the layer
     * @return the path
     */
    public String intermediate(int i) {
        return layer(i) + ".intermediate.dense";
    }

    /**
     * Returns layer i's MLP output projection.
     *
     * @param i the layer
     * @return the path
     */
    public String output(int i) {
        return layer(i) + ".output.dense";
    }

    /**
     * Returns BERT's pooler projection.
     *
     * @return the path
     */
    public String pooler() {
        return base + "pooler.dense";
    }

    /**
     * Returns a node on the hidden-size channels of every family: BERT's embedding LayerNorm, the
     * ViT patch projection.
     *
     * @return the path
     */
    public String hiddenRoot() {
        return family.vision() ? embeddings() + ".patch_embeddings.projection" : embeddings() + ".LayerNorm";
    }

    /**
     * Returns the classifier of task models.
     *
     * @return {@code classifier}
     */
    public String classifier() {
        return "classifier";
    }
}
