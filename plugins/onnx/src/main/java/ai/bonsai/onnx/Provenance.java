package ai.bonsai.onnx;

import ai.bonsai.api.graph.Graph;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The provenance entry written into every exported model's {@code metadata_props}: a small JSON
 * object with the source file and its SHA-256, the Bonsai version, the parameter count of the
 * written model, and the pruning settings a caller recorded under {@link
 * OnnxMetadata#PRUNING_SETTINGS}.
 */
final class Provenance {

    private Provenance() {
    }

    /**
     * Returns the plugin's version, from its jar manifest ({@code dev} when run from classes).
     *
     * @return the version
     */
    static String version() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Builds the provenance JSON of a graph.
     *
     * @param graph the graph
     * @param params its current trainable parameter count
     * @return the JSON text
     */
    static String of(Graph graph, long params) {
        Map<String, String> meta = graph.metadata();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("bonsai_version", version());
        fields.put("source_file", meta.getOrDefault(OnnxMetadata.SOURCE_FILE, ""));
        fields.put("source_sha256", meta.getOrDefault(OnnxMetadata.SOURCE_SHA256, ""));
        fields.put("params", String.valueOf(params));
        fields.put("pruning", meta.getOrDefault(OnnxMetadata.PRUNING_SETTINGS, ""));
        StringBuilder sb = new StringBuilder("{");
        fields.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(k).append("\": \"").append(escape(v)).append('"');
        });
        return sb.append('}').toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
