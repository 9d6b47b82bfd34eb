package ai.bonsai.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes an {@link LlmConfig} back into its {@code config.json} form: the source's keys kept,
 * the sizes replaced ({@code hidden_size}, {@code intermediate_size}, {@code num_hidden_layers},
 * {@code num_attention_heads}, {@code num_key_value_heads}, {@code head_dim} always written), the
 * bias flags of the model type ({@code attention_bias}, {@code mlp_bias}) and {@code
 * torch_dtype}.
 *
 * <p>A non-uniform model (layers of different sizes) also gets {@value ConfigReader#BONSAI_KEY}
 * {@code .layers}: one object per layer with its {@code num_attention_heads}, {@code
 * num_key_value_heads}, {@code head_dim} and {@code intermediate_size}; the top-level sizes are
 * then those of layer 0. Bias flags the model type cannot express (an {@code o_proj} bias on
 * Qwen2, say, after FLAP's compensation) go to {@value ConfigReader#BONSAI_KEY}{@code .biases}
 * ({@code qkv}, {@code o_proj}, {@code mlp}). After head-dimension pruning, {@value
 * ConfigReader#BONSAI_KEY}{@code .rope_pairs} holds one object per layer, {@code base_head_dim}
 * (the head size the rotary frequencies and the attention scale are computed for) and {@code
 * pairs} (the kept rotary pair indices): tools that compute the frequencies and the scale from
 * {@code head_dim} would compute others. Bonsai's adapter reads all three back; other tools see a
 * standard config that does not describe every layer, bias or rotary frequency.
 */
public final class ConfigWriter {

    private ConfigWriter() {
    }

    /**
     * Returns the JSON of a config.
     *
     * @param c the config
     * @param dtype the weights' element type
     * @return the JSON object
     */
    public static ObjectNode toJson(LlmConfig c, TensorType dtype) {
        ObjectNode o = c.source().deepCopy();
        LayerShape first = c.layers().get(0);
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", first.intermediateSize());
        o.put("num_hidden_layers", c.layers().size());
        o.put("num_attention_heads", first.numHeads());
        o.put("num_key_value_heads", first.numKvHeads());
        o.put("head_dim", first.headDim());
        o.put("torch_dtype", dtype.torchName());
        o.remove(ConfigReader.BONSAI_KEY);
        biases(c, o);
        if (c.layers().stream().anyMatch(l -> !l.rope().isAll())) {
            ArrayNode pairs = o.withObject("/" + ConfigReader.BONSAI_KEY).putArray(ConfigReader.ROPE_PAIRS);
            for (LayerShape l : c.layers()) {
                ObjectNode layer = pairs.addObject().put("base_head_dim", l.rope().baseHeadDim());
                l.rope().kept().forEach(layer.putArray("pairs")::add);
            }
        }
        if (!c.uniform()) {
            ArrayNode layers = o.withObject("/" + ConfigReader.BONSAI_KEY).putArray("layers");
            for (LayerShape l : c.layers()) {
                layers.addObject().put("num_attention_heads", l.numHeads())
                        .put("num_key_value_heads", l.numKvHeads()).put("head_dim", l.headDim())
                        .put("intermediate_size", l.intermediateSize());
            }
        }
        return o;
    }

    private static void biases(LlmConfig c, ObjectNode o) {
        boolean standard;
        switch (c.modelType()) {
            case "llama":
                standard = c.qkvBias() == c.outputBias();
                o.put("attention_bias", c.qkvBias());
                o.put("mlp_bias", c.mlpBias());
                break;
            case "qwen3":
                standard = c.qkvBias() == c.outputBias() && !c.mlpBias();
                o.put("attention_bias", c.qkvBias());
                break;
            case "qwen2":
                standard = c.qkvBias() && !c.outputBias() && !c.mlpBias();
                break;
            default:
                standard = !c.qkvBias() && !c.outputBias() && !c.mlpBias();
                break;
        }
        if (!standard) {
            o.withObject("/" + ConfigReader.BONSAI_KEY).putObject("biases").put("qkv", c.qkvBias())
                    .put("o_proj", c.outputBias()).put("mlp", c.mlpBias());
        }
    }
}
