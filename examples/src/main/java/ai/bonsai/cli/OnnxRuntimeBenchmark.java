package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.model.ModelFormatException;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The side-by-side benchmark behind {@code bonsai bench ORIGINAL.onnx PRUNED.onnx}: both files
 * run in ONNX Runtime (CPU, all graph optimizations, one session each) on the same seeded inputs,
 * at each batch size; after {@link #WARM_UP} untimed passes of each, the timed passes alternate
 * between the two models (the order flips every round) so that other load on the machine hits
 * both alike; median and minimum of each, and the speed-up of the medians.
 *
 * <p>Inputs: float inputs are standard normal, integer inputs zeros (token ids), boolean inputs
 * true. The first dimension takes the batch size when it is symbolic; a model whose first
 * dimension is fixed to another size skips that batch size, with the reason. Other symbolic
 * dimensions take their sizes from {@code --input-shape}.
 */
final class OnnxRuntimeBenchmark {

    /** Untimed passes of each model per batch size. */
    static final int WARM_UP = 5;

    private final Path original;
    private final Path pruned;
    private final Settings settings;

    /**
     * What to measure.
     *
     * @param batches the batch sizes, each at least 1
     * @param runs timed passes of each model per batch size
     * @param threads ONNX Runtime's intra-op threads, 0 for its default (one per core)
     * @param inputShapes full shapes of inputs whose dimensions after the first are symbolic
     */
    record Settings(List<Integer> batches, int runs, int threads, Map<String, long[]> inputShapes) {

        /** Copies the collections. */
        Settings {
            batches = List.copyOf(batches);
            inputShapes = Map.copyOf(inputShapes);
        }
    }

    OnnxRuntimeBenchmark(Path original, Path pruned, Settings settings) {
        this.original = original;
        this.pruned = pruned;
        this.settings = settings;
    }

    /**
     * Runs both models at every batch size and prints the table.
     *
     * @param out where progress and the table go
     * @return the figures, for the JSON file
     * @throws ModelFormatException naming the file if ONNX Runtime cannot load or run a model
     * @throws ConfigException if an input's size cannot be known or its type is not supported
     */
    Map<String, Object> run(PrintWriter out) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("runtime", "onnxruntime " + env.getVersion());
        r.put("original", original.toString());
        r.put("pruned", pruned.toString());
        r.put("originalMiB", mebibytes(original));
        r.put("prunedMiB", mebibytes(pruned));
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("intraOpThreads", settings.threads() == 0 ? "default" : settings.threads());
        r.put("warmUp", WARM_UP);
        r.put("runs", settings.runs());
        try (OrtSession.SessionOptions options = options();
                OrtSession a = open(env, original, options);
                OrtSession b = open(env, pruned, options)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int batch : settings.batches()) {
                out.printf("  onnxruntime at batch %d%n", batch);
                out.flush();
                rows.add(measure(env, a, b, batch));
            }
            r.put("batches", rows);
        } catch (OrtException e) {
            throw new ModelFormatException("ONNX Runtime: " + e.getMessage(), e);
        }
        print(r, out);
        return r;
    }

    private OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (settings.threads() > 0) {
            options.setIntraOpNumThreads(settings.threads());
        }
        options.setInterOpNumThreads(1);
        return options;
    }

    private static OrtSession open(OrtEnvironment env, Path file, OrtSession.SessionOptions options) {
        try {
            return env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new ModelFormatException(file + ": ONNX Runtime cannot load the model: "
                    + e.getMessage(), e);
        }
    }

    private Map<String, Object> measure(OrtEnvironment env, OrtSession a, OrtSession b, int batch)
            throws OrtException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("batch", batch);
        Optional<String> skip = staticBatch(a, original, batch).or(() -> staticBatch(b, pruned, batch));
        if (skip.isPresent()) {
            row.put("skipped", skip.get());
            return row;
        }
        Map<String, OnnxTensor> inA = inputs(env, a, original, batch);
        try {
            Map<String, OnnxTensor> inB = inputs(env, b, pruned, batch);
            try {
                double[][] times = interleave(a, inA, b, inB);
                double medianA = Latency.median(times[0]);
                double medianB = Latency.median(times[1]);
                row.put("originalMedianMillis", medianA);
                row.put("originalMinMillis", Arrays.stream(times[0]).min().orElseThrow());
                row.put("prunedMedianMillis", medianB);
                row.put("prunedMinMillis", Arrays.stream(times[1]).min().orElseThrow());
                row.put("speedup", medianA / medianB);
            } finally {
                OnnxValue.close(inB);
            }
        } finally {
            OnnxValue.close(inA);
        }
        return row;
    }

    /** Warm-up passes, then timed passes alternating between the models; milliseconds of each. */
    private double[][] interleave(OrtSession a, Map<String, OnnxTensor> inA, OrtSession b,
            Map<String, OnnxTensor> inB) {
        double[][] times = new double[2][settings.runs()];
        for (int i = -WARM_UP; i < settings.runs(); i++) {
            boolean aFirst = (i & 1) == 0;
            double first = aFirst ? time(a, inA, original) : time(b, inB, pruned);
            double second = aFirst ? time(b, inB, pruned) : time(a, inA, original);
            if (i >= 0) {
                times[0][i] = aFirst ? first : second;
                times[1][i] = aFirst ? second : first;
            }
        }
        return times;
    }

    /** One pass, in milliseconds; its outputs are freed at once. */
    private static double time(OrtSession s, Map<String, OnnxTensor> inputs, Path file) {
        long start = System.nanoTime();
        try (OrtSession.Result result = s.run(inputs)) {
            return (System.nanoTime() - start) / 1e6;
        } catch (OrtException e) {
            throw new ModelFormatException(file + ": ONNX Runtime cannot run the model: "
                    + e.getMessage(), e);
        }
    }

    /** Why a batch size cannot run: an input whose first dimension is fixed to another size. */
    private static Optional<String> staticBatch(OrtSession s, Path file, int batch) {
        try {
            for (Map.Entry<String, NodeInfo> e : s.getInputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo t && t.getShape().length > 0
                        && t.getShape()[0] > 0 && t.getShape()[0] != batch) {
                    return Optional.of(file.getFileName() + ": input '" + e.getKey()
                            + "' has a fixed batch of " + t.getShape()[0]);
                }
            }
            return Optional.empty();
        } catch (OrtException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private Map<String, OnnxTensor> inputs(OrtEnvironment env, OrtSession s, Path file, int batch)
            throws OrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        Random random = new Random(batch);
        try {
            for (Map.Entry<String, NodeInfo> e : s.getInputInfo().entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                    throw new ConfigException("MODEL", file + ": input '" + e.getKey()
                            + "' is not a tensor");
                }
                long[] shape = shape(file, e.getKey(), t, batch);
                inputs.put(e.getKey(), tensor(env, file, e.getKey(), t.type, shape, random));
            }
            return inputs;
        } catch (RuntimeException | OrtException e) {
            OnnxValue.close(inputs);
            throw e;
        }
    }

    /** The input's shape: the batch first, the other sizes from the file or --input-shape. */
    private long[] shape(Path file, String name, TensorInfo t, int batch) {
        long[] shape = t.getShape().clone();
        long[] given = settings.inputShapes().get(name);
        if (given != null && given.length != shape.length) {
            throw new ConfigException("--input-shape", "input '" + name + "' of " + file
                    + " has " + shape.length + " dimensions, the shape given has " + given.length);
        }
        for (int d = 0; d < shape.length; d++) {
            if (d == 0) {
                shape[d] = batch;
            } else if (given != null) {
                shape[d] = given[d];
            } else if (shape[d] <= 0) {
                String dim = t.getDimensionNames()[d];
                throw new ConfigException("--input-shape", "input '" + name + "' of " + file
                        + " has a symbolic dimension " + d + (dim.isEmpty() ? "" : " ('" + dim + "')")
                        + "; give its sizes with --input-shape " + name + "=" + example(t, batch));
            }
        }
        return shape;
    }

    private static String example(TensorInfo t, int batch) {
        long[] shape = t.getShape();
        StringBuilder sb = new StringBuilder().append(batch);
        for (int d = 1; d < shape.length; d++) {
            sb.append(',').append(shape[d] > 0 ? String.valueOf(shape[d]) : "N");
        }
        return sb.toString();
    }

    private static OnnxTensor tensor(OrtEnvironment env, Path file, String name, OnnxJavaType type,
            long[] shape, Random random) throws OrtException {
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        ByteBuffer buf = switch (type) {
            case FLOAT -> {
                ByteBuffer b = direct(n * Float.BYTES);
                for (int i = 0; i < n; i++) {
                    b.putFloat((float) random.nextGaussian());
                }
                yield b;
            }
            case INT64 -> direct(n * Long.BYTES);
            case INT32 -> direct(n * Integer.BYTES);
            case BOOL -> {
                ByteBuffer b = direct(n);
                for (int i = 0; i < n; i++) {
                    b.put((byte) 1);
                }
                yield b;
            }
            default -> throw new ConfigException("MODEL", file + ": input '" + name + "' has type "
                    + type + "; the benchmark feeds float, int64, int32 and bool inputs");
        };
        return OnnxTensor.createTensor(env, buf.rewind(), shape, type);
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    private static double mebibytes(Path file) {
        try {
            return Files.size(file) / (1024.0 * 1024.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r, PrintWriter out) {
        out.printf("%s, intra-op threads %s, %s timed passes of each model after %d warm-up%n",
                r.get("runtime"), r.get("intraOpThreads"), r.get("runs"), WARM_UP);
        out.printf("original %s (%.1f MiB), pruned %s (%.1f MiB)%n", r.get("original"),
                r.get("originalMiB"), r.get("pruned"), r.get("prunedMiB"));
        out.printf("%-6s %-26s %-26s %s%n", "batch", "original median (min)", "pruned median (min)",
                "speed-up");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("batches")) {
            if (row.containsKey("skipped")) {
                out.printf("%-6s skipped: %s%n", row.get("batch"), row.get("skipped"));
                continue;
            }
            out.printf("%-6s %-26s %-26s %.2fx%n", row.get("batch"),
                    String.format("%.2f ms (%.2f)", row.get("originalMedianMillis"), row.get("originalMinMillis")),
                    String.format("%.2f ms (%.2f)", row.get("prunedMedianMillis"), row.get("prunedMinMillis")),
                    row.get("speedup"));
        }
        out.flush();
    }
}
