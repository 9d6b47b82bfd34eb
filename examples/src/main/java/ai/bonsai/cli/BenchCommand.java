package ai.bonsai.cli;

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
 * {@code bonsai bench}: parses the options and hands them to the {@link BenchMode} its arguments
 * select ({@link ResNetBenchMode} without a model, {@link OnnxRuntimeBenchMode} with model files,
 * {@link LanguageModelBenchMode} with language-model folders), then writes the figures to a JSON
 * file.
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
     * Runs the mode the arguments select and writes its figures to the results file atomically.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        Map<String, Object> figures = mode().run(printer);
        JsonFiles.write(figures, out, "benchmark results");
        printer.printf("wrote %s%n", out);
        printer.flush();
        return 0;
    }

    /** Language-model folders, model files, or no model: ResNet-50. */
    private BenchMode mode() {
        if (models.isEmpty()) {
            return new ResNetBenchMode(() -> PluginHosts.open(spec), runtime, format, seed);
        }
        if (Files.isDirectory(models.get(0))) {
            return new LanguageModelBenchMode(() -> PluginHosts.open(spec), models, format, batches,
                    promptLength, newTokens, runs);
        }
        return new OnnxRuntimeBenchMode(models, runtime, format, batches, runs, threads, inputShapes);
    }
}
