package ai.bonsai.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A decoder-only model as its Hugging Face {@code config.json} describes it (Llama, Mistral, Qwen2,
 * Qwen3), read by {@link ConfigReader}.
 *
 * @param modelType {@code llama}, {@code mistral}, {@code qwen2} or {@code qwen3}
 * @param hiddenSize the residual width ({@code hidden_size})
 * @param vocabSize the vocabulary ({@code vocab_size})
 * @param rmsNormEps the RMSNorm epsilon ({@code rms_norm_eps})
 * @param rope the rotary frequencies ({@code rope_theta}, {@code rope_scaling})
 * @param tieWordEmbeddings whether {@code lm_head} reuses the token embedding
 * @param qkvBias whether q/k/v projections have biases
 * @param outputBias whether {@code o_proj} has a bias
 * @param mlpBias whether gate/up/down projections have biases
 * @param qkNorm whether each head of q and k goes through an RMSNorm (Qwen3)
 * @param slidingWindow Mistral's attention window ({@code sliding_window}), 0 for none
 * @param layers the sizes of each decoder layer
 * @param source the file's JSON, kept so that a writer preserves the keys it does not change
 */
public record LlmConfig(String modelType, int hiddenSize, int vocabSize, double rmsNormEps,
        RopeScaling rope, boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias,
        boolean mlpBias, boolean qkNorm, int slidingWindow, List<LayerShape> layers, ObjectNode source) {

    /** The {@code model_type}s this plugin builds. */
    public static final List<String> MODEL_TYPES = List.of("llama", "mistral", "qwen2", "qwen3");

    /**
     * Copies the layer list.
     */
    public LlmConfig {
        layers = List.copyOf(layers);
    }

    /**
     * Tells whether every layer has the same sizes (a standard checkpoint).
     *
     * @return true if uniform
     */
    public boolean uniform() {
        return layers.stream().distinct().count() <= 1;
    }

    /**
     * Returns the same model with other layer sizes and hidden size.
     *
     * @param hidden the hidden size
     * @param newLayers the layers
     * @return the config
     */
    public LlmConfig withShapes(int hidden, List<LayerShape> newLayers) {
        return new LlmConfig(modelType, hidden, vocabSize, rmsNormEps, rope, tieWordEmbeddings,
                qkvBias, outputBias, mlpBias, qkNorm, slidingWindow, newLayers, source);
    }

    /**
     * Returns the same model with other bias flags.
     *
     * @param qkv q/k/v biases
     * @param output {@code o_proj} bias
     * @param mlp MLP biases
     * @return the config
     */
    public LlmConfig withBiases(boolean qkv, boolean output, boolean mlp) {
        return new LlmConfig(modelType, hiddenSize, vocabSize, rmsNormEps, rope, tieWordEmbeddings,
                qkv, output, mlp, qkNorm, slidingWindow, layers, source);
    }
}
