package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.SourceSelection;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Writes a decoder graph as a Hugging Face folder: {@code config.json} with the graph's sizes
 * ({@link ConfigWriter}), the weights in the source's element type as {@code model.safetensors}
 * or, above the shard size, as {@code model-0000i-of-0000n.safetensors} shards with {@code
 * model.safetensors.index.json}, and the source folder's tokenizer and generation files copied.
 *
 * <p>Each tensor streams into its shard. A lazy parameter read from a safetensors file whose data
 * is not in memory (never read, or released) is copied straight from that file: only its kept
 * rows and columns are read, block by block, and written in the source's element type without a
 * float32 round trip ({@link SourceGather}; float32 and bfloat16 are converted into each other on
 * the way). Other parameters are written from their arrays ({@link ArrayData}). With {@code
 * release}, parameters are released first, so every unchanged lazy parameter is copied from its
 * file and memory stays at a few chunks whatever the model's size.
 *
 * <p>The folder is written whole into a temporary sibling and renamed at the end: a failed write
 * leaves nothing. The target must not exist, or be an empty folder.
 */
public final class HfWriter {

    /** The shard size Hugging Face uses by default (5 GB). */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

    /** The files copied from the source folder when present. */
    public static final List<String> COPIED = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "vocab.json", "merges.txt",
            "added_tokens.json", "generation_config.json");

    private HfWriter() {
    }

    /**
     * Writes a graph built by {@link DecoderGraph} in its source's element type and sharding:
     * shards no larger than the source's largest shard when it was sharded, else at most {@link
     * #DEFAULT_SHARD_BYTES}.
     *
     * @param g the graph
     * @param target the folder to create
     * @param provenance entries for each file's {@code __metadata__}
     * @throws ModelFormatException naming the target on failure; nothing is left behind
     */
    public static void write(Graph g, Path target, Map<String, String> provenance) {
        String shard = g.metadata().get(DecoderGraph.META_SHARD_BYTES);
        write(g, target, shard == null ? DEFAULT_SHARD_BYTES : Long.parseLong(shard), provenance);
    }

    /**
     * Writes a graph built by {@link DecoderGraph} in its source's element type.
     *
     * @param g the graph
     * @param target the folder to create
     * @param maxShardBytes the largest shard (one tensor larger than this gets a shard alone)
     * @param provenance entries for each file's {@code __metadata__}
     * @throws ModelFormatException naming the target on failure; nothing is left behind
     */
    public static void write(Graph g, Path target, long maxShardBytes, Map<String, String> provenance) {
        write(g, target, dtype(g), maxShardBytes, provenance);
    }

    /**
     * Writes a graph built by {@link DecoderGraph} with another element type than its source's.
     *
     * @param g the graph
     * @param target the folder to create
     * @param dtype the element type of the written weights
     * @param maxShardBytes the largest shard (one tensor larger than this gets a shard alone)
     * @param provenance entries for each file's {@code __metadata__}
     * @throws ModelFormatException naming the target on failure; nothing is left behind
     */
    public static void write(Graph g, Path target, TensorType dtype, long maxShardBytes,
            Map<String, String> provenance) {
        write(g, target, dtype, maxShardBytes, provenance, false);
    }

    /**
     * Writes a graph built by {@link DecoderGraph}, optionally releasing every parameter ({@link
     * Parameter#release()}): lazy parameters are then copied from their files, block by block,
     * so that memory stays at a few chunks whatever the tensors' sizes, but data changed in
     * place since it was read is lost, from the file and from the graph.
     *
     * @param g the graph
     * @param target the folder to create
     * @param dtype the element type of the written weights
     * @param maxShardBytes the largest shard (one tensor larger than this gets a shard alone)
     * @param provenance entries for each file's {@code __metadata__}
     * @param release release each parameter before writing it
     * @throws ModelFormatException naming the target on failure; nothing is left behind
     */
    public static void write(Graph g, Path target, TensorType dtype, long maxShardBytes,
            Map<String, String> provenance, boolean release) {
        write(g, target, dtype, maxShardBytes, provenance, release, new ScratchBuffers());
    }

    /**
     * Writes a graph built by {@link DecoderGraph} with buffers of a chosen chunk size.
     *
     * @param g the graph
     * @param target the folder to create
     * @param dtype the element type of the written weights
     * @param maxShardBytes the largest shard (one tensor larger than this gets a shard alone)
     * @param provenance entries for each file's {@code __metadata__}
     * @param release release each parameter before writing it
     * @param scratch the buffers tensors are staged in (their chunk size bounds each block)
     * @throws ModelFormatException naming the target on failure; nothing is left behind
     */
    public static void write(Graph g, Path target, TensorType dtype, long maxShardBytes,
            Map<String, String> provenance, boolean release, ScratchBuffers scratch) {
        LlmConfig config = GraphShapes.of(g);
        Map<String, Shape> layout = TensorLayout.shapes(config);
        Map<String, Parameter> params = g.parameters();
        for (Map.Entry<String, Shape> e : layout.entrySet()) {
            Parameter p = params.get(e.getKey());
            if (p == null || !p.shape().equals(e.getValue())) {
                throw new ModelFormatException("cannot write '" + target + "': tensor '" + e.getKey()
                        + "' is " + (p == null ? "missing" : p.shape()) + ", the config needs " + e.getValue());
            }
        }
        Path abs = target.toAbsolutePath();
        Path tmp = null;
        try {
            prepare(abs);
            tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp");
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode configJson = ConfigWriter.toJson(config, dtype);
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(HfFolder.CONFIG).toFile(), configJson);
            writeWeights(tmp, layout, name -> data(params.get(name), dtype, release), dtype, maxShardBytes,
                    provenance, scratch);
            copySourceFiles(g, tmp);
            move(tmp, abs);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw new ModelFormatException("cannot write Hugging Face folder '" + target + "': "
                    + e.getMessage(), e);
        }
    }

    private static TensorType dtype(Graph g) {
        String name = g.metadata().getOrDefault(DecoderGraph.META_DTYPE, "float32");
        for (TensorType t : TensorType.values()) {
            if (t.torchName().equals(name)) {
                return t;
            }
        }
        return TensorType.F32;
    }

    private static void prepare(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IOException("the folder exists and is not empty");
                }
            }
            Files.delete(target);
        } else if (Files.exists(target)) {
            throw new IOException("a file of that name exists");
        }
        Files.createDirectories(target.getParent());
    }

    /**
     * Writes tensors as {@code model.safetensors} or, above the shard size, as numbered shards
     * with their index.
     *
     * @param dir the folder
     * @param layout the tensors' names and shapes, in file order
     * @param data gives each tensor's data by name
     * @param dtype the element type
     * @param maxShardBytes the largest shard (one tensor larger than this gets a shard alone)
     * @param provenance entries for each file's {@code __metadata__}
     * @param scratch the buffers tensors are staged in
     * @throws IOException if writing fails
     */
    static void writeWeights(Path dir, Map<String, Shape> layout, Function<String, TensorData> data,
            TensorType dtype, long maxShardBytes, Map<String, String> provenance, ScratchBuffers scratch)
            throws IOException {
        List<List<SafetensorsWriter.Tensor>> shards = new ArrayList<>();
        long size = Long.MAX_VALUE;
        long total = 0;
        for (Map.Entry<String, Shape> e : layout.entrySet()) {
            long bytes = SafetensorsWriter.bytes(e.getValue(), dtype);
            if (shards.isEmpty() || size + bytes > maxShardBytes) {
                shards.add(new ArrayList<>());
                size = 0;
            }
            shards.get(shards.size() - 1).add(new SafetensorsWriter.Tensor(e.getKey(), e.getValue(),
                    data.apply(e.getKey())));
            size += bytes;
            total += bytes;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.putAll(provenance);
        if (shards.size() == 1) {
            SafetensorsWriter.write(dir.resolve(Checkpoint.SINGLE), shards.get(0), dtype, metadata, scratch);
            return;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafetensorsWriter.write(dir.resolve(name), shards.get(i), dtype, metadata, scratch);
            shards.get(i).forEach(t -> map.put(t.name(), name));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(Checkpoint.INDEX).toFile(), index);
    }

    /** Copies a lazy parameter from its file when it can, else writes its array. */
    private static TensorData data(Parameter p, TensorType dtype, boolean release) {
        if (release) {
            p.release();
        }
        Optional<SourceSelection> s = p.sourceSelection();
        if (s.isPresent() && s.get().loader() instanceof MappedTensor t
                && SourceGather.converts(t.entry().type(), dtype)) {
            return new SourceGather(t.file(), t.entry(), s.get());
        }
        return new ArrayData(p::array, release ? p::release : () -> { });
    }

    private static void copySourceFiles(Graph g, Path dir) throws IOException {
        String source = g.metadata().get(DecoderGraph.META_SOURCE);
        if (source == null) {
            return;
        }
        for (String f : COPIED) {
            Path from = Path.of(source).resolve(f);
            if (Files.isRegularFile(from)) {
                Files.copy(from, dir.resolve(f));
            }
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // the original failure is reported instead
        }
    }
}
