package ai.bonsai.transformers;

import java.util.Locale;

/**
 * The encoder families the plugin reads, by Hugging Face {@code model_type}, with the prefix of
 * their tensor names and the path of the self-attention module inside a layer.
 */
public enum Family {
    /** BERT: post-LN layers, word + position + token type embeddings, pooler. */
    BERT("bert", "attention.self"),
    /** ViT: pre-LN layers, patch embedding, class token, position embeddings. */
    VIT("vit", "attention.attention"),
    /** DeiT: ViT with a distillation token after the class token. */
    DEIT("deit", "attention.attention");

    private final String prefix;
    private final String selfAttention;

    Family(String prefix, String selfAttention) {
        this.prefix = prefix;
        this.selfAttention = selfAttention;
    }

    /**
     * Returns the family of a {@code model_type}.
     *
     * @param modelType the config's {@code model_type}
     * @return the family
     * @throws IllegalArgumentException if the type is not an encoder the plugin knows
     */
    public static Family of(String modelType) {
        return valueOf(modelType.toUpperCase(Locale.ROOT));
    }

    /**
     * Returns the {@code model_type}, which is also the base model's attribute name in the
     * task models ({@code bert.embeddings...}).
     *
     * @return the model type
     */
    public String modelType() {
        return prefix;
    }

    /**
     * Tells whether the family takes images.
     *
     * @return true for ViT and DeiT
     */
    public boolean vision() {
        return this != BERT;
    }

    /**
     * Returns the path of the self-attention module inside layer i ({@code attention.self}).
     *
     * @return the path
     */
    public String selfAttention() {
        return selfAttention;
    }
}
