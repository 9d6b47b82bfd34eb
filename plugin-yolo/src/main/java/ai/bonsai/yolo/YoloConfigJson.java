package ai.bonsai.yolo;

import ai.bonsai.api.model.ModelFormatException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a YOLOv8 {@code config.json}: {@code scale}, {@code depth_multiple}, {@code
 * width_multiple}, {@code max_channels}, {@code nc}, {@code imgsz}, {@code reg_max}, {@code
 * strides}, and for a pruned model a {@code bonsai} section with {@code widths} (output channels
 * by convolution node) and {@code splits} (piece sizes by C2f split node).
 */
final class YoloConfigJson {

    /** The keys that mark a config as a YOLOv8 one. */
    static final List<String> REQUIRED = List.of("depth_multiple", "width_multiple", "nc");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private YoloConfigJson() {
    }

    /**
     * Tells whether a file is a YOLOv8 config.
     *
     * @param file the file
     * @return true if it is JSON with the required keys
     */
    static boolean isYoloConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            JsonNode root = MAPPER.readTree(file.toFile());
            return root != null && REQUIRED.stream().allMatch(root::has);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads a config.
     *
     * @param file the file
     * @return the config
     * @throws ModelFormatException naming the file and the field at fault
     */
    static YoloConfig read(Path file) {
        try {
            return parse(MAPPER.readTree(file.toFile()), "YOLO config '" + file + "'");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read YOLO config '" + file + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads a config from JSON text (a graph's metadata).
     *
     * @param json the text
     * @param source what the text is, for messages
     * @return the config
     * @throws ModelFormatException naming the source and the field at fault
     */
    static YoloConfig fromJson(String json, String source) {
        try {
            return parse(MAPPER.readTree(json), source);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("cannot read " + source + ": " + e.getOriginalMessage(), e);
        }
    }

    private static YoloConfig parse(JsonNode root, String source) {
        try {
            YoloScale multiples = new YoloScale(number(source, root, "depth_multiple").asDouble(),
                    number(source, root, "width_multiple").asDouble(),
                    root.has("max_channels") ? number(source, root, "max_channels").asInt() : 1024);
            List<Integer> strides = new ArrayList<>();
            if (root.has("strides")) {
                root.get("strides").forEach(s -> strides.add(s.asInt()));
            } else {
                strides.addAll(YoloConfig.STRIDES);
            }
            return new YoloConfig(root.path("scale").asText("custom"), multiples,
                    number(source, root, "nc").asInt(), root.path("imgsz").asInt(640),
                    root.path("reg_max").asInt(YoloConfig.REG_MAX), strides, widths(source, root));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode number(String source, JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || !v.isNumber()) {
            throw new ModelFormatException(source + ": field '" + key
                    + "' must be a number, found " + v);
        }
        return v;
    }

    private static LayerWidths widths(String source, JsonNode root) {
        JsonNode bonsai = root.get("bonsai");
        if (bonsai == null) {
            return LayerWidths.NONE;
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        bonsai.path("widths").fields().forEachRemaining(e -> {
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 1) {
                throw new ModelFormatException(source + ": field 'bonsai.widths."
                        + e.getKey() + "' must be a positive integer, found " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asInt());
        });
        Map<String, List<Long>> splits = new LinkedHashMap<>();
        bonsai.path("splits").fields().forEachRemaining(e -> {
            List<Long> sizes = new ArrayList<>();
            e.getValue().forEach(s -> sizes.add(s.asLong()));
            splits.put(e.getKey(), sizes);
        });
        return new LayerWidths(out, splits);
    }

    /**
     * Writes a config as JSON text.
     *
     * @param config the config
     * @return the text
     */
    static String toJson(YoloConfig config) {
        return toJson(config, Map.of());
    }

    /**
     * Writes a config as JSON text, with provenance entries in {@code bonsai.provenance}.
     *
     * @param config the config
     * @param provenance the entries (may be empty)
     * @return the text
     */
    static String toJson(YoloConfig config, Map<String, String> provenance) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("scale", config.scale());
        root.put("depth_multiple", config.multiples().depthMultiple());
        root.put("width_multiple", config.multiples().widthMultiple());
        root.put("max_channels", config.multiples().maxChannels());
        root.put("nc", config.nc());
        root.put("imgsz", config.imgsz());
        root.put("reg_max", config.regMax());
        ArrayNode strides = root.putArray("strides");
        config.strides().forEach(strides::add);
        if (!config.widths().isEmpty() || !provenance.isEmpty()) {
            ObjectNode bonsai = root.putObject("bonsai");
            if (!provenance.isEmpty()) {
                ObjectNode p = bonsai.putObject("provenance");
                provenance.forEach(p::put);
            }
            ObjectNode widths = bonsai.putObject("widths");
            config.widths().outChannels().forEach(widths::put);
            ObjectNode splits = bonsai.putObject("splits");
            config.widths().splits().forEach((k, v) -> v.forEach(splits.putArray(k)::add));
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a YOLO config", e);
        }
    }
}
