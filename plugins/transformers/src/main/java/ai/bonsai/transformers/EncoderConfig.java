package ai.bonsai.transformers;

import ai.bonsai.api.model.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Hugging Face encoder's {@code config.json}, read into the widths Bonsai builds: the family and
 * task, the hidden size, and each layer's heads, head size and MLP width.
 *
 * <p>Per-layer widths come from, in this order: the {@code bonsai.layers} list that Bonsai's
 * exporter writes when the standard keys cannot express a pruned model (see {@link
 * EncoderConfigWriter}, which also documents the key); else the standard keys, with {@code pruned_heads} removing heads per
 * layer as Hugging Face's {@code prune_heads} does ({@code num_attention_heads} and the head size
 * {@code hidden_size / num_attention_heads} stay).
 *
 * @param family the family ({@code model_type})
 * @param architecture the task class ({@code BertForSequenceClassification})
 * @param hidden the hidden size
 * @param layers the layers' widths
 * @param eps the LayerNorms' epsilon
 * @param numLabels the classifier's outputs (0 for a base model)
 * @param vocabSize BERT's vocabulary (0 for ViT)
 * @param maxPositions BERT's position table length
 * @param typeVocabSize BERT's token types
 * @param imageSize ViT's image side (0 for BERT)
 * @param patchSize ViT's patch side
 * @param channels ViT's image channels
 * @param qkvBias whether q, k and v have biases
 * @param json the config as read, kept to write back with the pruned widths
 */
public record EncoderConfig(
        Family family,
        String architecture,
        int hidden,
        List<LayerSpec> layers,
        double eps,
        int numLabels,
        int vocabSize,
        int maxPositions,
        int typeVocabSize,
        int imageSize,
        int patchSize,
        int channels,
        boolean qkvBias,
        ObjectNode json) {

    /** The task classes the plugin builds, by family. */
    static final List<String> ARCHITECTURES = List.of("BertModel", "BertForSequenceClassification",
            "ViTForImageClassification", "DeiTForImageClassification");

    /** The key under which Bonsai writes what the standard keys cannot express. */
    public static final String BONSAI_KEY = "bonsai";

    /**
     * Copies the layer list.
     */
    public EncoderConfig {
        layers = List.copyOf(layers);
    }

    /**
     * Tells whether the model ends in a classifier.
     *
     * @return true for the {@code For...Classification} classes
     */
    public boolean classifier() {
        return numLabels > 0;
    }

    /**
     * Returns the tensor names of this model (with the base model prefix of task models).
     *
     * @return the names
     */
    public EncoderNames names() {
        return new EncoderNames(family, classifier() ? family.modelType() + "." : "");
    }

    /**
     * Reads a config.
     *
     * @param json the parsed {@code config.json}
     * @param source the file, for messages
     * @return the config
     * @throws ModelFormatException naming the file and the key at fault
     */
    public static EncoderConfig parse(JsonNode json, String source) {
        if (!(json instanceof ObjectNode object)) {
            throw error(source, "is not a JSON object");
        }
        Fields f = new Fields(object, source);
        String type = f.string("model_type");
        Family family;
        try {
            family = Family.of(type);
        } catch (IllegalArgumentException e) {
            throw error(source, "model_type '" + type + "' is not an encoder this plugin reads; known: bert, vit, deit");
        }
        String architecture = json.path("architectures").path(0).asText(family == Family.BERT ? "BertModel" : "");
        if (!ARCHITECTURES.contains(architecture) || !architecture.toLowerCase(java.util.Locale.ROOT).startsWith(type)) {
            throw error(source, "architectures[0] '" + architecture + "' is not supported for model_type '"
                    + type + "'; supported: " + ARCHITECTURES);
        }
        if (!f.text("hidden_act", "gelu").equals("gelu")) {
            throw error(source, "hidden_act '" + f.text("hidden_act", "") + "' is not supported; only gelu (exact)");
        }
        if (!f.text("position_embedding_type", "absolute").equals("absolute")) {
            throw error(source, "position_embedding_type '" + f.text("position_embedding_type", "")
                    + "' is not supported; only absolute");
        }
        int hidden = f.positive("hidden_size");
        int heads = f.positive("num_attention_heads");
        int count = f.positive("num_hidden_layers");
        if (hidden % heads != 0) {
            throw error(source, "hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        List<LayerSpec> layers = EncoderConfigWriter.hasBonsaiLayers(json)
                ? bonsaiLayers(json.get(BONSAI_KEY).path("layers"), count, source)
                : standardLayers(f, json.path("pruned_heads"), hidden, heads, count, source);
        int labels = architecture.contains("For")
                ? json.has("id2label") ? json.get("id2label").size() : f.intOr("num_labels", 2) : 0;
        boolean bert = family == Family.BERT;
        return new EncoderConfig(family, architecture, hidden, layers, f.number("layer_norm_eps", 1e-12), labels,
                bert ? f.positive("vocab_size") : 0, bert ? f.positive("max_position_embeddings") : 0,
                bert ? f.intOr("type_vocab_size", 2) : 0, bert ? 0 : f.positive("image_size"),
                bert ? 0 : f.positive("patch_size"), bert ? 0 : f.intOr("num_channels", 3),
                json.path("qkv_bias").asBoolean(true), object);
    }

    private static List<LayerSpec> standardLayers(Fields f, JsonNode pruned, int hidden, int heads, int count,
            String source) {
        int intermediate = f.positive("intermediate_size");
        int headSize = hidden / heads;
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Set<Integer> gone = new HashSet<>();
            for (JsonNode h : pruned.path(Integer.toString(i))) {
                if (!h.canConvertToInt() || h.asInt() < 0 || h.asInt() >= heads) {
                    throw error(source, "pruned_heads[\"" + i + "\"] lists head " + h + ", not one of 0.."
                            + (heads - 1));
                }
                gone.add(h.asInt());
            }
            if (gone.size() == heads) {
                throw error(source, "pruned_heads[\"" + i + "\"] removes all " + heads + " heads");
            }
            layers.add(new LayerSpec(heads - gone.size(), headSize, intermediate, 1 / Math.sqrt(headSize)));
        }
        return layers;
    }

    private static List<LayerSpec> bonsaiLayers(JsonNode list, int count, String source) {
        if (!list.isArray() || list.size() != count) {
            throw error(source, BONSAI_KEY + ".layers must list the " + count + " layers, found " + list);
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Fields f = new Fields(list.get(i), source + " " + BONSAI_KEY + ".layers[" + i + "]");
            layers.add(new LayerSpec(f.positive("num_attention_heads"), f.positive("attention_head_size"),
                    f.positive("intermediate_size"), f.number("attention_scale", 0)));
        }
        return layers;
    }

    static ModelFormatException error(String source, String problem) {
        return new ModelFormatException("config '" + source + "': " + problem);
    }

    /** Typed access to a JSON object's keys, with messages naming the file and key. */
    private record Fields(JsonNode node, String source) {

        String string(String key) {
            JsonNode v = node.get(key);
            if (v == null || !v.isTextual()) {
                throw error(source, "needs the string '" + key + "', found " + v);
            }
            return v.asText();
        }

        String text(String key, String fallback) {
            return node.path(key).asText(fallback);
        }

        int positive(String key) {
            JsonNode v = node.get(key);
            if (v == null || !v.canConvertToInt() || v.asInt() < 1) {
                throw error(source, "needs a positive integer '" + key + "', found " + v);
            }
            return v.asInt();
        }

        int intOr(String key, int fallback) {
            return node.has(key) ? positive(key) : fallback;
        }

        double number(String key, double fallback) {
            JsonNode v = node.get(key);
            if (v == null && fallback > 0) {
                return fallback;
            }
            if (v == null || !v.isNumber() || !(v.asDouble() > 0)) {
                throw error(source, "needs a positive number '" + key + "', found " + v);
            }
            return v.asDouble();
        }
    }
}
