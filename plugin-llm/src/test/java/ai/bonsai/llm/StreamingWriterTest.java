package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.SourceSelection;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.graph.DefaultParameter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The writer copies pruned lazy parameters straight from their safetensors files, chunk by chunk,
 * in the source's element type: its shards are byte for byte those written from the pruned
 * arrays in memory, whatever the chunk size, and no parameter is read into memory.
 */
class StreamingWriterTest {

    private static final String CONFIG = "{\"model_type\":\"llama\",\"hidden_size\":64,\"intermediate_size\":176,"
            + "\"num_hidden_layers\":4,\"num_attention_heads\":8,\"num_key_value_heads\":4,\"head_dim\":8,"
            + "\"vocab_size\":128,\"rms_norm_eps\":1e-6,\"rope_theta\":10000.0,\"tie_word_embeddings\":false,"
            + "\"torch_dtype\":\"bfloat16\"}";
    private static final long SHARD = 60_000;
    /** Heads, MLP channels and hidden size: every tensor loses rows, columns or both. */
    private static final WidthPlan PLAN = new WidthPlan(0.25, 0.3, 0.25, true, 0, 4);
    /** Heads and MLP channels: q/k/v/gate/up lose whole rows (copied file to file), o/down columns. */
    private static final WidthPlan ROWS = new WidthPlan(0.25, 0.3, 0, true, 0, 4);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {8, 1000, ScratchBuffers.DEFAULT_CHUNK_BYTES})
    void streamedShardsEqualTheInMemoryOnesForEveryChunkSize(int chunkBytes) throws IOException {
        Path source = SyntheticCheckpoint.write(dir.resolve("source"), CONFIG, TensorType.BF16, SHARD);
        for (WidthPlan plan : new WidthPlan[] {PLAN, ROWS}) {
            String name = plan == PLAN ? "hidden" : "rows";
            Path streamed = dir.resolve("streamed-" + name);
            Path inMemory = dir.resolve("in-memory-" + name);
            try (Graph g = Models.read(source)) {
                new MetaPruner().start(g, plan.toConfig(GraphShapes.of(g),
                        new LayerStreaming(new MagnitudeImportance()))).step();
                HfWriter.write(g, streamed, TensorType.BF16, SHARD, Map.of(), true, new ScratchBuffers(chunkBytes));
                assertThat(materialized(g)).isZero();
            }
            try (Graph g = Models.read(source)) {
                g.parameters().values().forEach(Parameter::array);
                new MetaPruner().start(g, plan.toConfig(GraphShapes.of(g), new MagnitudeImportance())).step();
                assertThat(g.parameters().values()).allMatch(p -> p.sourceSelection().isEmpty());
                HfWriter.write(g, inMemory, TensorType.BF16, SHARD, Map.of());
            }
            LlmConfig pruned = ConfigReader.read(streamed.resolve(HfFolder.CONFIG));
            assertThat(pruned.layers()).containsOnly(new LayerShape(6, 3, 8, 123));
            assertThat(pruned.hiddenSize()).isEqualTo(plan == PLAN ? 48 : 64);
            List<String> files = files(streamed);
            assertThat(files).hasSizeGreaterThan(3).isEqualTo(files(inMemory));
            for (String f : files) {
                assertThat(Files.readAllBytes(streamed.resolve(f))).as(name + " " + f)
                        .isEqualTo(Files.readAllBytes(inMemory.resolve(f)));
            }
        }
    }

    @Test
    void bfloat16SourcesAreWidenedOnTheWayToAFloat32File() throws IOException {
        Path source = SyntheticCheckpoint.write(dir.resolve("source"), CONFIG, TensorType.BF16, SHARD);
        Path streamed = dir.resolve("streamed");
        Path inMemory = dir.resolve("in-memory");
        try (Graph g = Models.read(source)) {
            new MetaPruner().start(g, PLAN.toConfig(GraphShapes.of(g), new MagnitudeImportance())).step();
            HfWriter.write(g, streamed, TensorType.F32, Long.MAX_VALUE, Map.of(), true, new ScratchBuffers(100));
        }
        try (Graph g = Models.read(source)) {
            g.parameters().values().forEach(Parameter::array);
            new MetaPruner().start(g, PLAN.toConfig(GraphShapes.of(g), new MagnitudeImportance())).step();
            HfWriter.write(g, inMemory, TensorType.F32, Long.MAX_VALUE, Map.of());
        }
        assertThat(Checkpoint.open(streamed).type()).isEqualTo(TensorType.F32);
        assertThat(Files.readAllBytes(streamed.resolve(Checkpoint.SINGLE)))
                .isEqualTo(Files.readAllBytes(inMemory.resolve(Checkpoint.SINGLE)));
    }

    /**
     * A sparse file holding one bfloat16 tensor of 2.3 GB, rows 70000 x 16384: rows beyond 2 GB
     * are gathered and transferred by offset, and reading it whole as float32 is refused with the
     * reason.
     */
    @Test
    void aTensorLargerThanAJavaBufferIsCopiedByRows() throws IOException {
        int rows = 70_000;
        int cols = 16_384;
        long rowBytes = 2L * cols;
        String header = "{\"big\":{\"dtype\":\"BF16\",\"shape\":[" + rows + "," + cols + "],\"data_offsets\":[0,"
                + rows * rowBytes + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8 + h.length + rows * rowBytes);
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, h.length);
            raf.write(len.array());
            raf.write(h);
            for (int r : new int[] {3, 69_998}) {
                raf.seek(8 + h.length + r * rowBytes + 2L * 100);
                raf.write(new byte[] {(byte) r, (byte) (r >> 8), 7, 9});
            }
        }
        SafetensorsFile st = SafetensorsFile.open(file);
        assertThat(8 + h.length + 69_998 * rowBytes).isGreaterThan(Integer.MAX_VALUE);
        SourceSelection keep = new SourceSelection(() -> null, new Shape(rows, cols),
                new int[][] {{3, 69_998}, {100, 101, 102}});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SourceGather(st, st.entry("big"), keep).writeTo(Channels.newChannel(out), new Shape(2, 3), TensorType.BF16,
                new ScratchBuffers(1 << 20));
        assertThat(out.toByteArray()).containsExactly(3, 0, 7, 9, 0, 0, 0x6e, 0x11, 7, 9, 0, 0);
        SourceSelection lastRows = new SourceSelection(() -> null, new Shape(rows, cols),
                new int[][] {{69_998, 69_999}, null});
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        new SourceGather(st, st.entry("big"), lastRows).writeTo(Channels.newChannel(whole), new Shape(2, cols),
                TensorType.BF16, new ScratchBuffers(1 << 20));
        byte[] two = whole.toByteArray();
        assertThat(two).hasSize(2 * (int) rowBytes);
        assertThat(Arrays.copyOfRange(two, 200, 204)).containsExactly(0x6e, 0x11, 7, 9);
        assertThat(two[204]).isZero();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> st.readFloat("big", m, new ScratchBuffers()))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("tensor 'big' (70000, 16384) takes 4587520000 bytes in float32, more than a"
                            + " Java buffer holds (2 GB)");
        }
    }

    private static long materialized(Graph g) {
        return g.parameters().values().stream().filter(p -> ((DefaultParameter) p).isMaterialized()).count();
    }

    private static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
