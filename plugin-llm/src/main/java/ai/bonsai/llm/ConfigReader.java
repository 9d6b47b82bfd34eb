package ai.bonsai.llm;

import ai.bonsai.api.model.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Hugging Face {@code config.json} of a decoder-only model into an {@link LlmConfig}.
 *
 * <p>Keys: {@code model_type} (llama, mistral, qwen2, qwen3), {@code hidden_size}, {@code
 * intermediate_size}, {@code num_hidden_layers}, {@code num_attention_heads}, {@code
 * num_key_value_heads} (default: the attention heads), {@code head_dim} (default: hidden /
 * heads), {@code vocab_size}, {@code rms_norm_eps}, {@code rope_theta} (default 10000), {@code
 * rope_scaling} (null, {@code linear} or {@code llama3}), {@code tie_word_embeddings}, {@code
 * attention_bias}, {@code mlp_bias}, {@code hidden_act} (silu only), Mistral's {@code
 * sliding_window} ({@code use_sliding_window} of Qwen is refused). Per-layer sizes of a
 * non-uniform pruned model come from the {@code bonsai.layers} array ({@code
 * num_attention_heads}, {@code num_key_value_heads}, {@code head_dim}, {@code intermediate_size}
 * of each layer), and bias flags the model type cannot express from {@code bonsai.biases} ({@code
 * qkv}, {@code o_proj}, {@code mlp}), and the rotary pairs each layer kept after head-dimension
 * pruning from {@code bonsai.rope_pairs} ({@code base_head_dim} and {@code pairs} of each layer).
 * Every problem is one {@link ModelFormatException} naming the file and field.
 */
public final class ConfigReader {

    /** The key of Bonsai's own entries in a written {@code config.json}. */
    public static final String BONSAI_KEY = "bonsai";
    /** The entry of {@value #BONSAI_KEY} holding each layer's rotary pairs. */
    public static final String ROPE_PAIRS = "rope_pairs";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final JsonNode root;

    private ConfigReader(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * Reads a config file.
     *
     * @param file the {@code config.json}
     * @return the config
     * @throws ModelFormatException naming the file and field at fault
     */
    public static LlmConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelFormatException("config.json '" + file + "': cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException("config.json '" + file + "': not a JSON object");
        }
        return new ConfigReader(file, root).parse();
    }

    /**
     * Parses config text held elsewhere (a graph's metadata).
     *
     * @param json the {@code config.json} content
     * @param source where it comes from, for messages
     * @return the config
     * @throws ModelFormatException naming the source and field at fault
     */
    public static LlmConfig parse(String json, Path source) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                throw new ModelFormatException("config.json '" + source + "': not a JSON object");
            }
            return new ConfigReader(source, root).parse();
        } catch (IOException e) {
            throw new ModelFormatException("config.json '" + source + "': cannot parse: " + e.getMessage(), e);
        }
    }

    /**
     * Reads only the {@code model_type} of a config file, without failing.
     *
     * @param file the {@code config.json}
     * @return the model type, or empty if the file is unreadable or has none
     */
    static java.util.Optional<String> modelType(Path file) {
        try {
            JsonNode t = JSON.readTree(Files.readAllBytes(file)).get("model_type");
            return t != null && t.isTextual() ? java.util.Optional.of(t.asText()) : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private LlmConfig parse() {
        String type = text("model_type");
        if (!LlmConfig.MODEL_TYPES.contains(type)) {
            throw error("model_type", "unsupported value '" + type + "'; supported: "
                    + LlmConfig.MODEL_TYPES);
        }
        String act = root.has("hidden_act") ? text("hidden_act") : "silu";
        if (!act.equals("silu")) {
            throw error("hidden_act", "unsupported value '" + act + "'; supported: [silu]");
        }
        int hidden = positive("hidden_size");
        int layers = positive("num_hidden_layers");
        int heads = positive("num_attention_heads");
        int kvHeads = root.hasNonNull("num_key_value_heads") ? positive("num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw error("num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
        }
        int headDim;
        if (root.hasNonNull("head_dim")) {
            headDim = positive("head_dim");
        } else if (hidden % heads != 0) {
            throw error("num_attention_heads", heads + " does not divide hidden_size " + hidden
                    + " and no head_dim is given");
        } else {
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw error("head_dim", "must be even for rotary embeddings, found " + headDim);
        }
        LayerShape shape = new LayerShape(heads, kvHeads, headDim, positive("intermediate_size"));
        List<LayerShape> shapes = root.path(BONSAI_KEY).has("layers") ? layerShapes(layers)
                : java.util.Collections.nCopies(layers, shape);
        if (root.path(BONSAI_KEY).has(ROPE_PAIRS)) {
            shapes = ropePairs(shapes);
        }
        boolean attentionBias = flag("attention_bias", false);
        boolean qwen2 = type.equals("qwen2");
        LlmConfig config = new LlmConfig(type, hidden, positive("vocab_size"), number("rms_norm_eps", 1e-6),
                rope(), flag("tie_word_embeddings", false), qwen2 || attentionBias,
                !qwen2 && attentionBias, flag("mlp_bias", false), type.equals("qwen3"), slidingWindow(type), shapes,
                (ObjectNode) root.deepCopy());
        JsonNode biases = root.path(BONSAI_KEY).get("biases");
        if (biases == null) {
            return config;
        }
        ConfigReader b = new ConfigReader(file, biases);
        String at = BONSAI_KEY + ".biases.";
        return config.withBiases(b.requiredFlag("qkv", at), b.requiredFlag("o_proj", at),
                b.requiredFlag("mlp", at));
    }

    private boolean requiredFlag(String key, String prefix) {
        JsonNode v = required(key, prefix);
        if (!v.isBoolean()) {
            throw error(prefix + key, "must be true or false, found " + v);
        }
        return v.asBoolean();
    }

    private int slidingWindow(String type) {
        if (type.equals("mistral")) {
            return root.hasNonNull("sliding_window") ? positive("sliding_window") : 0;
        }
        if (flag("use_sliding_window", false)) {
            throw error("use_sliding_window", "true is not supported for model_type '" + type + "'");
        }
        return 0;
    }

    private List<LayerShape> layerShapes(int count) {
        JsonNode list = root.get(BONSAI_KEY).get("layers");
        String field = BONSAI_KEY + ".layers";
        if (list == null || !list.isArray() || list.size() != count) {
            throw error(field, "must be an array of num_hidden_layers (" + count + ") objects");
        }
        List<LayerShape> shapes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ConfigReader layer = new ConfigReader(file, list.get(i));
            String at = field + "[" + i + "].";
            int h = layer.positive("num_attention_heads", at);
            int kv = layer.positive("num_key_value_heads", at);
            if (h % kv != 0) {
                throw error(at + "num_key_value_heads", kv + " does not divide num_attention_heads " + h);
            }
            shapes.add(new LayerShape(h, kv, layer.positive("head_dim", at),
                    layer.positive("intermediate_size", at)));
        }
        return shapes;
    }

    private List<LayerShape> ropePairs(List<LayerShape> shapes) {
        JsonNode list = root.get(BONSAI_KEY).get(ROPE_PAIRS);
        String field = BONSAI_KEY + "." + ROPE_PAIRS;
        if (!list.isArray() || list.size() != shapes.size()) {
            throw error(field, "must be an array of num_hidden_layers (" + shapes.size() + ") objects");
        }
        List<LayerShape> out = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            ConfigReader layer = new ConfigReader(file, list.get(i));
            String at = field + "[" + i + "].";
            int base = layer.positive("base_head_dim", at);
            JsonNode pairs = layer.required("pairs", at);
            LayerShape l = shapes.get(i);
            if (!pairs.isArray() || pairs.size() * 2 != l.headDim()) {
                throw error(at + "pairs", "must be an array of head_dim / 2 (" + l.headDim() / 2
                        + ") pair indices, found " + pairs);
            }
            List<Integer> kept = new ArrayList<>();
            for (JsonNode p : pairs) {
                int last = kept.isEmpty() ? -1 : kept.get(kept.size() - 1);
                if (!p.isIntegralNumber() || !p.canConvertToInt() || p.asInt() <= last || p.asInt() >= base / 2) {
                    throw error(at + "pairs", "must be ascending pair indices in [0, base_head_dim / 2 = "
                            + base / 2 + "), found " + pairs);
                }
                kept.add(p.asInt());
            }
            out.add(new LayerShape(l.numHeads(), l.numKvHeads(), l.headDim(), l.intermediateSize(),
                    new RopePairs(base, kept)));
        }
        return out;
    }

    private RopeScaling rope() {
        double theta = number("rope_theta", 10000);
        JsonNode s = root.get("rope_scaling");
        if (s == null || s.isNull()) {
            return RopeScaling.unscaled(theta);
        }
        if (!s.isObject()) {
            throw error("rope_scaling", "must be an object or null");
        }
        ConfigReader r = new ConfigReader(file, s);
        String typeKey = s.has("rope_type") ? "rope_type" : "type";
        String type = r.text(typeKey, "rope_scaling.");
        switch (type) {
            case "default":
                return RopeScaling.unscaled(theta);
            case "linear":
                return new RopeScaling(theta, type, r.number("factor", "rope_scaling."), 0, 0, 0);
            case "llama3":
                return new RopeScaling(theta, type, r.number("factor", "rope_scaling."),
                        r.number("low_freq_factor", "rope_scaling."),
                        r.number("high_freq_factor", "rope_scaling."),
                        r.positive("original_max_position_embeddings", "rope_scaling."));
            default:
                throw error("rope_scaling." + typeKey, "unsupported value '" + type
                        + "'; supported: " + RopeScaling.TYPES);
        }
    }

    private ModelFormatException error(String field, String problem) {
        return new ModelFormatException("config.json '" + file + "': field '" + field + "': " + problem);
    }

    private JsonNode required(String key, String prefix) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            throw error(prefix + key, "missing");
        }
        return v;
    }

    private String text(String key) {
        return text(key, "");
    }

    private String text(String key, String prefix) {
        JsonNode v = required(key, prefix);
        if (!v.isTextual()) {
            throw error(prefix + key, "must be a string, found " + v);
        }
        return v.asText();
    }

    private int positive(String key) {
        return positive(key, "");
    }

    private int positive(String key, String prefix) {
        JsonNode v = required(key, prefix);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw error(prefix + key, "must be a positive integer, found " + v);
        }
        return v.asInt();
    }

    private double number(String key, double defaultValue) {
        return root.hasNonNull(key) ? number(key, "") : defaultValue;
    }

    private double number(String key, String prefix) {
        JsonNode v = required(key, prefix);
        if (!v.isNumber()) {
            throw error(prefix + key, "must be a number, found " + v);
        }
        return v.asDouble();
    }

    private boolean flag(String key, boolean defaultValue) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw error(key, "must be true or false, found " + v);
        }
        return v.asBoolean();
    }
}
