package ai.bonsai.cli;

import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bonsai bench}: runs {@link Benchmark} and writes its figures to a JSON file. */
@Command(
        name = "bench",
        header = "Time DepGraph, pruning and inference on ResNet-50.",
        description = "Builds ResNet-50 (1x3x224x224), times the DepGraph build and a full 50 %%"
                + " local L2 pruning (median of 5 after 3 warm-up runs), measures peak heap and the"
                + " forward latency of the original and pruned model at batch 1 and 8 (median of"
                + " 20), prints a table and writes the figures as JSON. With --format, times"
                + " read + DepGraph + 50 %% pruning + write of ResNet-50 as a file of that format.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "bonsai-bench.json",
            description = "Where to write the figures (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--format", paramLabel = "NAME",
            description = "Instead, time reading, pruning and writing ResNet-50 as a file of this"
                    + " model format (onnx, bonsai, ...).")
    private String format;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the model's weights (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public BenchCommand() {
    }

    /**
     * Runs the benchmark and writes the results file atomically.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        Map<String, Object> figures;
        try (PluginHost host = PluginHosts.open(spec)) {
            figures = format == null
                    ? new Benchmark(host, seed).run(printer)
                    : new FileBenchmark(host, seed, format).run(printer);
        }
        figures.forEach((k, v) -> printer.printf("%-30s %s%n", k,
                v instanceof Double ? String.format("%.2f", (Double) v) : v));
        JsonFiles.write(figures, out, "benchmark results");
        printer.printf("wrote %s%n", out);
        printer.flush();
        return 0;
    }
}
