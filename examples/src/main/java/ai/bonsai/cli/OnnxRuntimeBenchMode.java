package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bonsai bench ORIGINAL.onnx PRUNED.onnx}: checks the two-file options and runs both files
 * side by side in ONNX Runtime ({@link OnnxRuntimeBenchmark}).
 */
final class OnnxRuntimeBenchMode implements BenchMode {

    /** The only runtime {@code --runtime} accepts. */
    static final String ONNXRUNTIME = "onnxruntime";

    /** Timed passes of each model per batch size when {@code --runs} is not given. */
    static final int DEFAULT_RUNS = 20;

    private final List<Path> models;
    private final String runtime;
    private final String format;
    private final List<Integer> batches;
    private final Integer runs;
    private final int threads;
    private final Map<String, String> inputShapes;

    /**
     * Creates the mode.
     *
     * @param models the model files given (two, the original and the pruned one, to run)
     * @param runtime the {@code --runtime} given, or null for ONNX Runtime
     * @param format the {@code --format} given, or null (it only applies without a model)
     * @param batches the batch sizes
     * @param runs timed passes per batch size, or null for {@link #DEFAULT_RUNS}
     * @param threads ONNX Runtime's intra-op threads, 0 for its default
     * @param inputShapes {@code --input-shape} as given: input name to comma-separated sizes
     */
    OnnxRuntimeBenchMode(List<Path> models, String runtime, String format, List<Integer> batches,
            Integer runs, int threads, Map<String, String> inputShapes) {
        this.models = List.copyOf(models);
        this.runtime = runtime;
        this.format = format;
        this.batches = List.copyOf(batches);
        this.runs = runs;
        this.threads = threads;
        this.inputShapes = new LinkedHashMap<>(inputShapes);
    }

    @Override
    public Map<String, Object> run(PrintWriter out) {
        OnnxRuntimeBenchmark.Settings settings = settings();
        return new OnnxRuntimeBenchmark(models.get(0), models.get(1), settings).run(out);
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
        int timed = runs == null ? DEFAULT_RUNS : runs;
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
