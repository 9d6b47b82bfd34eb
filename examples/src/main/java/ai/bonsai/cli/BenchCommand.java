package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai bench}: runs {@link Benchmark} and writes its figures to a JSON file; given
 * language models (Hugging Face decoder folders), measures their tokens per second side by side
 * ({@link LanguageModelBench}).
 */
@Command(
        name = "bench",
        header = "Time DepGraph, pruning and inference on ResNet-50, or language models' tokens/s.",
        description = "Builds ResNet-50 (1x3x224x224), times the DepGraph build and a full 50 %%"
                + " local L2 pruning (median of 5 after 3 warm-up runs), measures peak heap and the"
                + " forward latency of the original and pruned model at batch 1 and 8 (median of"
                + " 20), prints a table and writes the figures as JSON. With --format, times"
                + " read + DepGraph + 50 %% pruning + write of ResNet-50 as a file of that format."
                + " Given MODEL [PRUNED] (language-model folders), measures prefill and decode"
                + " tokens per second of each at every --batch, side by side.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "bonsai-bench.json",
            description = "Where to write the figures (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--format", paramLabel = "NAME",
            description = "Instead, time reading, pruning and writing ResNet-50 as a file of this"
                    + " model format (onnx, bonsai, ...).")
    private String format;

    @Parameters(arity = "0..2", paramLabel = "MODEL",
            description = "Language models to compare (a folder, and optionally its pruned copy).")
    private List<Path> models = new ArrayList<>();

    @Option(names = "--batch", split = ",", paramLabel = "N", defaultValue = "1,8",
            description = "Batch sizes of the language-model benchmark (default: ${DEFAULT-VALUE}).")
    private List<Integer> batches = new ArrayList<>();

    @Option(names = "--prompt-length", defaultValue = "128", paramLabel = "T",
            description = "Prompt tokens of the language-model benchmark (default: ${DEFAULT-VALUE}).")
    private int promptLength;

    @Option(names = "--new-tokens", defaultValue = "32", paramLabel = "N",
            description = "Generated tokens of the language-model benchmark (default: ${DEFAULT-VALUE}).")
    private int newTokens;

    @Option(names = "--runs", defaultValue = "5", paramLabel = "N",
            description = "Timed runs per figure of the language-model benchmark, after one"
                    + " warm-up; the median is reported (default: ${DEFAULT-VALUE}).")
    private int runs;

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
        if (!models.isEmpty() && format != null) {
            throw new ConfigException("--format", "times ResNet-50 files; give it without MODEL");
        }
        try (PluginHost host = PluginHosts.open(spec)) {
            if (!models.isEmpty()) {
                figures = new LanguageModelBench(host, batches, promptLength, newTokens, runs)
                        .run(models, printer);
            } else {
                figures = format == null
                        ? new Benchmark(host, seed).run(printer)
                        : new FileBenchmark(host, seed, format).run(printer);
                figures.forEach((k, v) -> printer.printf("%-30s %s%n", k,
                        v instanceof Double ? String.format("%.2f", (Double) v) : v));
            }
        }
        JsonFiles.write(figures, out, "benchmark results");
        printer.printf("wrote %s%n", out);
        printer.flush();
        return 0;
    }
}
