package ai.bonsai.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What torchvision + Torch-Pruning reported for a model before pruning (fixtures copied from
 * {@code shared/reference}).
 *
 * @param params trainable parameter elements
 * @param outputShape the logits' shape
 * @param shapes the state_dict's shapes by parameter name
 * @param macs Torch-Pruning's MAC count before pruning
 * @param paramsAfter trainable parameter elements after 50 % local L2 pruning
 * @param macsAfter MACs after pruning
 * @param shapesAfter the state_dict's shapes after pruning
 */
record Reference(long params, List<Long> outputShape, Map<String, List<Long>> shapes, long macs,
        long paramsAfter, long macsAfter, Map<String, List<Long>> shapesAfter) {

    static Reference load(String model) {
        String resource = "/reference/" + model + "__l2_local50.json";
        try (InputStream in = Reference.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            JsonNode root = new ObjectMapper().readTree(in);
            return new Reference(root.get("params_before").asLong(),
                    longs(root.get("output_shape")), shapes(root.get("shapes_before")),
                    root.get("macs_before").asLong(), root.get("params_after").asLong(),
                    root.get("macs_after").asLong(), shapes(root.get("shapes_after")));
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    private static Map<String, List<Long>> shapes(JsonNode node) {
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        node.properties().forEach(e -> shapes.put(e.getKey(), longs(e.getValue())));
        return shapes;
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asLong()));
        return out;
    }
}
