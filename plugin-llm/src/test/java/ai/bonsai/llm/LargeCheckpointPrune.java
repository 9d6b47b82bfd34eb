package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pruning run of {@link LargeCheckpointBenchmark}, in a JVM of its own so that its memory is
 * measured alone: reads a Hugging Face folder (lazy, memory-mapped parameters), prunes it with the
 * family default — every layer alike, a ratio of the key/value groups with their query heads and
 * of the MLP channels, magnitude importance scored group by group ({@link LayerStreaming}) — and
 * writes it with every parameter released, so that the weights stream from the source shards to
 * the output shards. Prints one line of {@code key=value} results: the seconds of each phase and
 * the process's peak resident memory (VmHWM).
 *
 * <p>Arguments: {@code SOURCE_DIR OUT_DIR RATIO}.
 */
public final class LargeCheckpointPrune {

    private LargeCheckpointPrune() {
    }

    /**
     * Runs the pruning.
     *
     * @param args the source folder, the output folder and the ratio
     * @throws IOException if /proc cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path source = Path.of(args[0]);
        Path out = Path.of(args[1]);
        double ratio = Double.parseDouble(args[2]);
        long start = System.nanoTime();
        long cpuStart = cpu();
        try (Graph g = HfFolder.read(source, PluginHost.classpathOnly().newGraphBuilder("large", 0), new Shape(1, 16))) {
            long read = System.nanoTime();
            long cpuRead = cpu();
            LlmConfig config = GraphShapes.of(g);
            new MetaPruner().start(g, WidthPlan.uniform(ratio, config.layers().size())
                    .toConfig(config, new LayerStreaming(new MagnitudeImportance()))).step();
            long pruned = System.nanoTime();
            long cpuPruned = cpu();
            HfWriter.write(g, out, Checkpoint.open(source).type(), HfWriter.DEFAULT_SHARD_BYTES,
                    Map.of("bonsai.benchmark", "large checkpoint"), true);
            long written = System.nanoTime();
            long cpuWritten = cpu();
            System.out.printf(Locale.ROOT, "result read_s=%.2f score_prune_s=%.2f write_s=%.2f total_s=%.2f"
                    + " read_cpu_s=%.2f score_prune_cpu_s=%.2f write_cpu_s=%.2f vmhwm_kb=%d%n",
                    (read - start) / 1e9, (pruned - read) / 1e9, (written - pruned) / 1e9, (written - start) / 1e9,
                    (cpuRead - cpuStart) / 1e9, (cpuPruned - cpuRead) / 1e9, (cpuWritten - cpuPruned) / 1e9,
                    statusKb("VmHWM"));
        }
    }

    /** The process's CPU time (user + system, every thread) in nanoseconds. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long statusKb(String field) throws IOException {
        Matcher m = Pattern.compile(field + ":\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
