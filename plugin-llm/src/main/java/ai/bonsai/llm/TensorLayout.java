package ai.bonsai.llm;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face tensor names and shapes of a decoder-only model, in state_dict order: what a
 * checkpoint must hold for a config, and what a written checkpoint holds.
 */
public final class TensorLayout {

    private TensorLayout() {
    }

    /**
     * Returns the prefix of a decoder layer's tensors.
     *
     * @param layer the layer index
     * @return {@code model.layers.N.}
     */
    public static String layer(int layer) {
        return "model.layers." + layer + ".";
    }

    /**
     * Returns every tensor's shape by name.
     *
     * @param c the config
     * @return the shapes, in state_dict order
     */
    public static Map<String, Shape> shapes(LlmConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        long h = c.hiddenSize();
        s.put("model.embed_tokens.weight", new Shape(c.vocabSize(), h));
        for (int i = 0; i < c.layers().size(); i++) {
            LayerShape l = c.layers().get(i);
            String p = layer(i);
            long q = (long) l.numHeads() * l.headDim();
            long kv = (long) l.numKvHeads() * l.headDim();
            s.put(p + "input_layernorm.weight", new Shape(h));
            linear(s, p + "self_attn.q_proj", q, h, c.qkvBias());
            linear(s, p + "self_attn.k_proj", kv, h, c.qkvBias());
            linear(s, p + "self_attn.v_proj", kv, h, c.qkvBias());
            linear(s, p + "self_attn.o_proj", h, q, c.outputBias());
            if (c.qkNorm()) {
                s.put(p + "self_attn.q_norm.weight", new Shape(l.headDim()));
                s.put(p + "self_attn.k_norm.weight", new Shape(l.headDim()));
            }
            s.put(p + "post_attention_layernorm.weight", new Shape(h));
            linear(s, p + "mlp.gate_proj", l.intermediateSize(), h, c.mlpBias());
            linear(s, p + "mlp.up_proj", l.intermediateSize(), h, c.mlpBias());
            linear(s, p + "mlp.down_proj", h, l.intermediateSize(), c.mlpBias());
        }
        s.put("model.norm.weight", new Shape(h));
        if (!c.tieWordEmbeddings()) {
            s.put("lm_head.weight", new Shape(c.vocabSize(), h));
        }
        return s;
    }

    private static void linear(Map<String, Shape> s, String name, long out, long in, boolean bias) {
        s.put(name + ".weight", new Shape(out, in));
        if (bias) {
            s.put(name + ".bias", new Shape(out));
        }
    }
}
