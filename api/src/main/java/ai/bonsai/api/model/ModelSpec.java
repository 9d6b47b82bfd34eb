package ai.bonsai.api.model;

import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * What to build: an architecture name, the static input shape, and adapter options.
 *
 * @param architecture the architecture, such as {@code resnet18}
 * @param inputShape the input shape, such as {@code (1, 3, 224, 224)}
 * @param options adapter-specific options (for example {@code num_classes})
 */
public record ModelSpec(String architecture, Shape inputShape, Map<String, String> options) {

    /**
     * Copies the options.
     */
    public ModelSpec {
        options = Map.copyOf(options);
    }

    /**
     * A spec without options.
     *
     * @param architecture the architecture
     * @param inputShape the input shape
     * @return the spec
     */
    public static ModelSpec of(String architecture, Shape inputShape) {
        return new ModelSpec(architecture, inputShape, Map.of());
    }

    /**
     * Returns an integer option.
     *
     * @param key the option
     * @param defaultValue the value when absent
     * @return the value
     * @throws ai.bonsai.api.ConfigException if present but not an integer
     */
    public int intOption(String key, int defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ai.bonsai.api.ConfigException("model.options." + key,
                    "must be an integer, found '" + v + "'");
        }
    }
}
