package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai bench}: runs {@link Benchmark} (or {@link FileBenchmark}; with two ONNX files
 * {@link OnnxRuntimeBenchmark}; with language-model folders {@link LanguageModelBench}) and writes
 * its figures to a JSON file.
 */
@Command(
        name = "bench",
        header = "Time DepGraph, pruning and inference on ResNet-50, an ONNX model against its"
                + " pruned file in ONNX Runtime, or language models' tokens/s.",
        description = "Builds ResNet-50 (1x3x224x224), times the DepGraph build and a full 50 %%"
                + " local L2 pruning (median and minimum of 10 after 3 warm-up runs), measures peak heap and the"
                + " forward latency of the original and pruned model at batch 1 and 8 (median of"
                + " 20), prints a table and writes the figures as JSON. With --format, times"
                + " read + DepGraph + 50 %% pruning + write of ResNet-50 as a file of that format."
                + " With two ONNX files (ORIGINAL PRUNED), runs both in ONNX Runtime side by side"
                + " at each --batch size, alternating between them, and reports medians, minima"
                + " and the speed-up. Given language-model folders (MODEL [PRUNED]), measures"
                + " prefill and decode tokens per second of each at every --batch, side by side.")
public final class BenchCommand implements Callable<Integer> {

    private static final String ONNXRUNTIME = "onnxruntime";

    @Parameters(arity = "0..2", paramLabel = "MODEL",
            description = "An ONNX model and its pruned file, or a language-model folder and"
                    + " optionally its pruned copy, timed side by side.")
    private List<Path> models = new ArrayList<>();

    @Option(names = "--runtime", paramLabel = "NAME",
            description = "With two model files: the runtime that runs them (onnxruntime, the"
                    + " default and only one for now).")
    private String runtime;

    @Option(names = "--batch", paramLabel = "N", split = ",", defaultValue = "1,8",
            description = "With model files or folders: the batch sizes (default: ${DEFAULT-VALUE}).")
    private List<Integer> batches;

    @Option(names = "--runs", paramLabel = "N",
            description = "With model files or folders: timed passes per figure (default: 20 for"
                    + " ONNX files, 5 after one warm-up for language models, whose median is"
                    + " reported).")
    private Integer runs;

    @Option(names = "--prompt-length", defaultValue = "128", paramLabel = "T",
            description = "Prompt tokens of the language-model benchmark (default: ${DEFAULT-VALUE}).")
    private int promptLength;

    @Option(names = "--new-tokens", defaultValue = "32", paramLabel = "N",
            description = "Generated tokens of the language-model benchmark (default: ${DEFAULT-VALUE}).")
    private int newTokens;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "With two model files: ONNX Runtime's intra-op threads (default: its"
                    + " own, one per core).")
    private int threads;

    @Option(names = "--input-shape", paramLabel = "NAME=D0,D1,...",
            description = "With two model files: the full shape of an input with symbolic sizes"
                    + " after the batch (the first size is replaced by each batch); repeatable.")
    private Map<String, String> inputShapes = new LinkedHashMap<>();

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
        if (!models.isEmpty() && Files.isDirectory(models.get(0))) {
            if (format != null) {
                throw new ConfigException("--format", "times ResNet-50 files; give it without MODEL");
            }
            try (PluginHost host = PluginHosts.open(spec)) {
                figures = new LanguageModelBench(host, batches, promptLength, newTokens,
                        runs == null ? 5 : runs).run(models, printer);
            }
        } else if (!models.isEmpty()) {
            OnnxRuntimeBenchmark.Settings settings = settings();
            figures = new OnnxRuntimeBenchmark(models.get(0), models.get(1), settings).run(printer);
        } else {
            if (runtime != null) {
                throw new ConfigException("--runtime", "needs two model files, the original and"
                        + " the pruned one");
            }
            try (PluginHost host = PluginHosts.open(spec)) {
                figures = format == null
                        ? new Benchmark(host, seed).run(printer)
                        : new FileBenchmark(host, seed, format).run(printer);
            }
            figures.forEach((k, v) -> printer.printf("%-30s %s%n", k,
                    v instanceof Double ? String.format("%.2f", (Double) v) : v));
        }
        JsonFiles.write(figures, out, "benchmark results");
        printer.printf("wrote %s%n", out);
        printer.flush();
        return 0;
    }

    /** Checks the two-file mode's arguments. */
    private OnnxRuntimeBenchmark.Settings settings() {
        if (models.size() != 2) {
            throw new ConfigException("MODEL", "give the original and the pruned model, found "
                    + models.size() + " file");
        }
        if (format != null) {
            throw new ConfigException("--format", "times ResNet-50 written in a format; it does"
                    + " not take model files");
        }
        if (runtime != null && !runtime.equals(ONNXRUNTIME)) {
            throw new ConfigException("--runtime", "unknown runtime '" + runtime
                    + "'; available: " + ONNXRUNTIME);
        }
        for (Path m : models) {
            if (!Files.isRegularFile(m)) {
                throw new ConfigException("MODEL", "no such file: " + m);
            }
        }
        int timed = runs == null ? 20 : runs;
        if (timed < 1) {
            throw new ConfigException("--runs", "must be at least 1, found " + timed);
        }
        if (threads < 0) {
            throw new ConfigException("--threads", "must be at least 0, found " + threads);
        }
        if (batches.stream().anyMatch(b -> b < 1)) {
            throw new ConfigException("--batch", "every batch size must be at least 1, found "
                    + batches);
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        inputShapes.forEach((name, dims) -> shapes.put(name, dims(name, dims)));
        return new OnnxRuntimeBenchmark.Settings(batches, timed, threads, shapes);
    }

    private static long[] dims(String name, String text) {
        String[] parts = text.split(",");
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                dims[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                dims[i] = 0;
            }
            if (dims[i] < 1) {
                throw new ConfigException("--input-shape", "input '" + name + "': sizes must be"
                        + " positive integers, found '" + text + "'");
            }
        }
        return dims;
    }
}
