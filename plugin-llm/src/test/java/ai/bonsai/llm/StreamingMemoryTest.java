package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming width pruning of a synthetic bfloat16 Llama checkpoint (248 M parameters, 0.5 GB in
 * shards): lazy reading, magnitude scoring row block by row block, weights copied from the source
 * shards into the output. Measures the peak resident memory added by the run (VmHWM after a
 * reset, the engine already loaded) and the wall time against copying the checkpoint's files on
 * the same disk. No weight is held whole — not even the 131 MB float32 embedding — so the peak
 * added stays below a quarter of the model in float32 (it was 551 MB, more than half, when the
 * writer converted each tensor through float32). Slow: run with {@code -Pslow}; the 3 B
 * benchmark is {@link LargeCheckpointBenchmark}.
 */
@Tag("slow")
class StreamingMemoryTest {

    private static final int LAYERS = 12;

    @TempDir
    Path dir;

    @Test
    void prunesWithResidentMemoryBelowAQuarterOfTheModelInFloat32() throws IOException {
        Path source = syntheticCheckpoint(dir.resolve("source"));
        long checkpointBytes = sizeOf(source);
        long copyStart = System.nanoTime();
        Path copy = Files.createDirectories(dir.resolve("copy"));
        for (Path f : files(source)) {
            Files.copy(f, copy.resolve(f.getFileName()));
        }
        double copySeconds = (System.nanoTime() - copyStart) / 1e9;

        PluginHost host = PluginHost.classpathOnly();
        try (NDManager engine = NDManager.newBaseManager()) {
            engine.zeros(new Shape(1)); // the engine's libraries load before the baseline
        }
        System.gc();
        resetPeak();
        long baseline = rssKb("VmRSS");
        long start = System.nanoTime();
        Path out = dir.resolve("pruned");
        try (Graph g = HfFolder.read(source, host.newGraphBuilder("big", 0), new Shape(1, 16))) {
            new MetaPruner().start(g, WidthPlan.uniform(0.25, LAYERS).toConfig(GraphShapes.of(g),
                    new LayerStreaming(new MagnitudeImportance()))).step();
            HfWriter.write(g, out, TensorType.BF16, 200_000_000L, Map.of(), true);
        }
        double pruneSeconds = (System.nanoTime() - start) / 1e9;
        long peakAddedMb = (rssKb("VmHWM") - baseline) / 1024;
        long float32Mb = checkpointBytes * 2 / (1 << 20);
        System.out.printf("streaming prune: checkpoint %d MB (bf16), model in float32 %d MB, peak RSS added %d MB,"
                + " prune %.1f s, copy %.1f s (%.1fx)%n", checkpointBytes >> 20, float32Mb, peakAddedMb,
                pruneSeconds, copySeconds, pruneSeconds / copySeconds);
        LlmConfig pruned = ConfigReader.read(out.resolve(HfFolder.CONFIG));
        assertThat(pruned.layers()).containsOnly(new LayerShape(12, 3, 64, 3072));
        assertThat(peakAddedMb).isLessThan(float32Mb / 4);
    }

    /** hidden 1024, 16 heads of 64, 4 KV heads, MLP 4096, 12 layers, vocab 32000, bf16 shards. */
    private static Path syntheticCheckpoint(Path folder) throws IOException {
        return SyntheticCheckpoint.write(folder, "{\"model_type\":\"llama\",\"hidden_size\":1024,"
                + "\"intermediate_size\":4096,\"num_hidden_layers\":" + LAYERS + ",\"num_attention_heads\":16,"
                + "\"num_key_value_heads\":4,\"head_dim\":64,\"vocab_size\":32000,\"rms_norm_eps\":1e-5,"
                + "\"rope_theta\":500000.0,\"tie_word_embeddings\":false,\"torch_dtype\":\"bfloat16\"}",
                TensorType.BF16, 200_000_000L);
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.collect(Collectors.toList());
        }
    }

    private static long sizeOf(Path folder) throws IOException {
        long total = 0;
        for (Path f : files(folder)) {
            total += Files.size(f);
        }
        return total;
    }

    private static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    private static long rssKb(String field) throws IOException {
        Matcher m = Pattern.compile(field + ":\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
        if (!m.find()) {
            throw new IOException("no " + field + " in /proc/self/status");
        }
        return Long.parseLong(m.group(1));
    }
}
