package ai.bonsai.llm;

import ai.bonsai.api.model.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face folder: {@code model.safetensors}, or the shards that {@code
 * model.safetensors.index.json} lists in its {@code weight_map}. Every shard is opened and its
 * header checked up front, so a missing shard or a lying header fails before any work.
 */
public final class Checkpoint {

    /** The single-file weights name. */
    public static final String SINGLE = "model.safetensors";
    /** The shard index name. */
    public static final String INDEX = "model.safetensors.index.json";

    private final Path folder;
    private final Map<String, SafetensorsFile> byTensor;

    private Checkpoint(Path folder, Map<String, SafetensorsFile> byTensor) {
        this.folder = folder;
        this.byTensor = byTensor;
    }

    /**
     * Opens the weights of a folder.
     *
     * @param folder the Hugging Face folder
     * @return the checkpoint
     * @throws ModelFormatException naming the file and field at fault
     */
    public static Checkpoint open(Path folder) {
        Path index = folder.resolve(INDEX);
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        if (Files.isRegularFile(index)) {
            Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap(index).entrySet()) {
                SafetensorsFile shard = shards.computeIfAbsent(e.getValue(), f -> openShard(index, f));
                if (!shard.entries().containsKey(e.getKey())) {
                    throw new ModelFormatException("safetensors index '" + index + "': field 'weight_map."
                            + e.getKey() + "': shard '" + e.getValue() + "' has no such tensor");
                }
                byTensor.put(e.getKey(), shard);
            }
        } else if (Files.isRegularFile(folder.resolve(SINGLE))) {
            SafetensorsFile file = SafetensorsFile.open(folder.resolve(SINGLE));
            file.entries().keySet().forEach(n -> byTensor.put(n, file));
        } else {
            throw new ModelFormatException("model folder '" + folder + "': neither " + SINGLE
                    + " nor " + INDEX + " exists");
        }
        return new Checkpoint(folder, byTensor);
    }

    private static SafetensorsFile openShard(Path index, String name) {
        Path shard = index.resolveSibling(name);
        if (!Files.isRegularFile(shard)) {
            throw new ModelFormatException("safetensors index '" + index + "': field 'weight_map': shard '"
                    + name + "' does not exist");
        }
        return SafetensorsFile.open(shard);
    }

    private static Map<String, String> weightMap(Path index) {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(Files.readAllBytes(index)).get("weight_map");
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("safetensors index '" + index + "': cannot read: "
                    + e.getMessage(), e);
        }
        if (map == null || !map.isObject()) {
            throw new ModelFormatException("safetensors index '" + index
                    + "': field 'weight_map': missing or not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String file = e.getValue().asText();
            if (!e.getValue().isTextual() || file.contains("/") || file.contains("\\")) {
                throw new ModelFormatException("safetensors index '" + index + "': field 'weight_map."
                        + e.getKey() + "': must be a file name in the folder, found " + e.getValue());
            }
            out.put(e.getKey(), file);
        }
        return out;
    }

    /**
     * Returns the folder.
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * Returns the file holding a tensor.
     *
     * @param name the tensor name
     * @return the file
     * @throws ModelFormatException naming the folder and the tensor if it is absent
     */
    public SafetensorsFile fileOf(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFormatException("model folder '" + folder + "': tensor '" + name
                    + "' is missing from the weights");
        }
        return f;
    }

    /**
     * Returns every tensor name, sorted.
     *
     * @return the names
     */
    public java.util.SortedSet<String> names() {
        return new TreeSet<>(byTensor.keySet());
    }

    /**
     * Returns the size of the largest shard, when the weights are sharded.
     *
     * @return the bytes of the largest shard file, or empty for a single file
     */
    public java.util.OptionalLong largestShardBytes() {
        java.util.Set<SafetensorsFile> files = new java.util.HashSet<>(byTensor.values());
        if (!Files.isRegularFile(folder.resolve(INDEX))) {
            return java.util.OptionalLong.empty();
        }
        return files.stream().mapToLong(f -> f.path().toFile().length()).max();
    }

    /**
     * Returns the checkpoint's element type: the type of its first tensor.
     *
     * @return the type
     */
    public TensorType type() {
        return byTensor.entrySet().stream().findFirst()
                .map(e -> e.getValue().entries().get(e.getKey()).type()).orElse(TensorType.F32);
    }
}
