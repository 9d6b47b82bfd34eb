package ai.bonsai.onnx;

import ai.bonsai.api.graph.Graph;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The provenance entry written into every exported model's {@code metadata_props}: a small JSON
 * object with the source file and its SHA-256, the Bonsai version, the parameter count of the
 * written model, and the pruning settings the caller passed to {@link
 * OnnxFormat#write(ai.bonsai.api.graph.Graph, java.nio.file.Path, Map)}.
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
     * @param settings the pruning settings, recorded as the {@code pruning} object
     * @return the JSON text
     */
    static String of(Graph graph, long params, Map<String, String> settings) {
        Map<String, String> meta = graph.metadata();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("bonsai_version", version());
        fields.put("source_file", meta.getOrDefault(OnnxMetadata.SOURCE_FILE, ""));
        fields.put("source_sha256", meta.getOrDefault(OnnxMetadata.SOURCE_SHA256, ""));
        fields.put("params", String.valueOf(params));
        return object(fields, "pruning", object(settings, null, null));
    }

    private static String object(Map<String, String> fields, String nestedKey, String nested) {
        StringBuilder sb = new StringBuilder("{");
        fields.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(escape(k)).append("\": \"").append(escape(v)).append('"');
        });
        if (nestedKey != null) {
            sb.append(sb.length() > 1 ? ", " : "").append('"').append(nestedKey).append("\": ").append(nested);
        }
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
