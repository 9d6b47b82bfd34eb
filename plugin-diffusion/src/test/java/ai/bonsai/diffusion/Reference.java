package ai.bonsai.diffusion;

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
 * Torch-Pruning's figures for the fixture pruned with magnitude L2, 30 % local, {@code conv_out}
 * ignored (copied from shared/reference).
 *
 * @param params trainable parameters before
 * @param macs MACs before
 * @param paramsAfter trainable parameters after
 * @param macsAfter MACs after
 * @param shapesAfter every state_dict shape after
 * @param keptOutChannels kept output channels of some layers
 */
record Reference(long params, long macs, long paramsAfter, long macsAfter,
        Map<String, List<Long>> shapesAfter, Map<String, List<Long>> keptOutChannels) {

    static Reference load() {
        String resource = "/reference/ddpm_unet_micro__l2_local30.json";
        try (InputStream in = Reference.class.getResourceAsStream(resource)) {
            JsonNode root = new ObjectMapper().readTree(in);
            return new Reference(root.get("params_before").asLong(), root.get("macs_before").asLong(),
                    root.get("params_after").asLong(), root.get("macs_after").asLong(),
                    lists(root.get("shapes_after")), lists(root.get("kept_out_channels")));
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    private static Map<String, List<Long>> lists(JsonNode node) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            List<Long> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asLong()));
            out.put(e.getKey(), values);
        });
        return out;
    }
}
