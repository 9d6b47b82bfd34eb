package ai.bonsai.diffusion;

import ai.bonsai.api.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code bonsai} section of a pruned UNet's {@code config.json}: what diffusers' own keys
 * cannot say once pruning made widths differ inside a block. Absent maps mean "as diffusers
 * derives it".
 *
 * <pre>{@code
 * "bonsai": {
 *   "widths": {"down_blocks.1.attentions.0.to_q": 22, ...},
 *   "num_groups": {"mid_block.resnets.0.norm1": 4},
 *   "heads": {"mid_block.attentions.0": 1},
 *   "attention_scale": {"mid_block.attentions.0": 0.17677669529663687}
 * }
 * }</pre>
 *
 * @param widths output channels (features) of convolutions and linear layers, and the
 *     sinusoidal embedding's width ({@code time_proj}), by node name
 * @param numGroups groups of GroupNorms, by node name
 * @param heads attention heads, by attention module name
 * @param attentionScale the attention's softmax scale, by attention module name (pruning keeps
 *     the original {@code 1/sqrt(head_dim)}, as diffusers' classic attention processor)
 */
public record BonsaiSection(Map<String, Integer> widths, Map<String, Integer> numGroups,
        Map<String, Integer> heads, Map<String, Double> attentionScale) {

    /** The section's key in {@code config.json}. */
    public static final String KEY = "bonsai";

    /** No overrides. */
    public static final BonsaiSection EMPTY = new BonsaiSection(Map.of(), Map.of(), Map.of(), Map.of());

    /**
     * Copies the maps, sorted by name.
     */
    public BonsaiSection {
        widths = java.util.Collections.unmodifiableMap(new TreeMap<>(widths));
        numGroups = java.util.Collections.unmodifiableMap(new TreeMap<>(numGroups));
        heads = java.util.Collections.unmodifiableMap(new TreeMap<>(heads));
        attentionScale = java.util.Collections.unmodifiableMap(new TreeMap<>(attentionScale));
    }

    /**
     * Tells whether the section overrides nothing.
     *
     * @return true if every map is empty
     */
    public boolean isEmpty() {
        return widths.isEmpty() && numGroups.isEmpty() && heads.isEmpty() && attentionScale.isEmpty();
    }

    /**
     * Reads the section.
     *
     * @param json the section, or null when absent
     * @param source the file, for messages
     * @return the section
     * @throws ConfigException naming the file and entry when malformed
     */
    static BonsaiSection parse(JsonNode json, String source) {
        if (json == null || json.isNull()) {
            return EMPTY;
        }
        if (!json.isObject()) {
            throw new ConfigException(source + ": " + KEY, "must be an object, found " + json);
        }
        return new BonsaiSection(
                map(json, "widths", source, v -> v.canConvertToExactIntegral() && v.asInt() > 0,
                        JsonNode::asInt),
                map(json, "num_groups", source, v -> v.canConvertToExactIntegral() && v.asInt() > 0,
                        JsonNode::asInt),
                map(json, "heads", source, v -> v.canConvertToExactIntegral() && v.asInt() > 0,
                        JsonNode::asInt),
                map(json, "attention_scale", source, v -> v.isNumber() && v.asDouble() > 0,
                        JsonNode::asDouble));
    }

    private static <T> Map<String, T> map(JsonNode section, String key, String source,
            java.util.function.Predicate<JsonNode> valid, Function<JsonNode, T> read) {
        JsonNode m = section.get(key);
        Map<String, T> out = new TreeMap<>();
        if (m == null) {
            return out;
        }
        if (!m.isObject()) {
            throw new ConfigException(source + ": " + KEY + "." + key, "must be an object, found " + m);
        }
        m.properties().forEach(e -> {
            if (!valid.test(e.getValue())) {
                throw new ConfigException(source + ": " + KEY + "." + key + "." + e.getKey(),
                        "must be a positive number, found " + e.getValue());
            }
            out.put(e.getKey(), read.apply(e.getValue()));
        });
        return out;
    }

    /**
     * Writes the section (empty maps are left out).
     *
     * @return the JSON object
     */
    ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (!widths.isEmpty()) {
            widths.forEach(out.putObject("widths")::put);
        }
        if (!numGroups.isEmpty()) {
            numGroups.forEach(out.putObject("num_groups")::put);
        }
        if (!heads.isEmpty()) {
            heads.forEach(out.putObject("heads")::put);
        }
        if (!attentionScale.isEmpty()) {
            attentionScale.forEach(out.putObject("attention_scale")::put);
        }
        return out;
    }
}
