package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARKS.md's YOLOv8s figures: yolov8s at 640 x 640 (built by the adapter from its layout,
 * seeded weights, 80 classes), original vs 50 % pruned with {@link YoloPruning}'s defaults
 * (magnitude L2, local, round_to 8); forward latency on DJL (PyTorch, eval mode) and in ONNX
 * Runtime (both written to ONNX), batch 1 and 8 (a graph per batch size), one intra-op thread.
 * Original and pruned passes alternate, their order flipping every round, so that other load on
 * the machine hits both alike; the minimum and median of the rounds are reported with the load
 * average seen. Results go to {@code target/benchmarks/yolov8s.md}. Run with {@code -Pslow
 * -Dtest=YoloV8sBenchmark} ({@code -Dbonsai.bench.rounds=N}, default 5).
 */
@Tag("slow")
class YoloV8sBenchmark {

    private static final int SIZE = 640;
    private static final long[] BATCHES = {1, 8};
    private static final String THREADS = "1";

    @Test
    void originalVsHalfPruned() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", THREADS);
        System.setProperty("ai.djl.pytorch.num_interop_threads", THREADS);
        int rounds = Integer.getInteger("bonsai.bench.rounds", 5);
        Path dir = Files.createDirectories(Path.of("target", "benchmarks"));
        PluginHost host = PluginHost.classpathOnly();
        StringBuilder report = new StringBuilder();
        List<Double> loads = new ArrayList<>();
        for (long batch : BATCHES) {
            try (Graph original = build(host, batch); Graph pruned = build(host, batch);
                    NDManager m = NDManager.newBaseManager()) {
                new MetaPruner().start(pruned, YoloPruning.defaults(new MagnitudeImportance())
                        .optRatio(0.5).build()).step();
                ModelCost before = OpCounter.count(original);
                ModelCost after = OpCounter.count(pruned);
                Path originalOnnx = dir.resolve("yolov8s_b" + batch + ".onnx");
                Path prunedOnnx = dir.resolve("yolov8s_pruned_b" + batch + ".onnx");
                host.formatFor(originalOnnx).write(original, originalOnnx);
                host.formatFor(prunedOnnx).write(pruned, prunedOnnx);
                NDArray input = m.randomUniform(0, 1, new Shape(batch, 3, SIZE, SIZE));
                Runner[] djl = {djl(original, input), djl(pruned, input)};
                try (OrtRunner ortOriginal = new OrtRunner(originalOnnx, input);
                        OrtRunner ortPruned = new OrtRunner(prunedOnnx, input)) {
                    Runner[] ort = {ortOriginal, ortPruned};
                    double[][][] ms = new double[2][2][rounds];
                    for (int k = 0; k < 2; k++) {
                        djl[k].run();
                        ort[k].run();
                    }
                    for (int r = 0; r < rounds; r++) {
                        loads.add(load());
                        for (int i = 0; i < 2; i++) {
                            int k = (r + i) % 2;
                            ms[0][k][r] = time(djl[k]);
                            ms[1][k][r] = time(ort[k]);
                        }
                        System.out.printf("batch %d round %d: DJL %.0f / %.0f ms, ORT %.0f / %.0f"
                                + " ms, load %.2f%n", batch, r, ms[0][0][r], ms[0][1][r],
                                ms[1][0][r], ms[1][1][r], loads.get(loads.size() - 1));
                    }
                    if (batch == 1) {
                        report.append(String.format("params %,d -> %,d; MACs %,d -> %,d (batch 1)%n%n",
                                before.params(), after.params(), before.macs(), after.macs()));
                        report.append("| engine | batch | original min / median | pruned min /"
                                + " median | speed-up (min) | speed-up (median) |\n");
                        report.append("|---|---:|---:|---:|---:|---:|\n");
                    }
                    String[] engines = {"DJL (PyTorch)", "ONNX Runtime"};
                    for (int e = 0; e < 2; e++) {
                        report.append(String.format("| %s | %d | %.0f / %.0f ms | %.0f / %.0f ms |"
                                + " %.2f× | %.2f× |%n", engines[e], batch, min(ms[e][0]),
                                median(ms[e][0]), min(ms[e][1]), median(ms[e][1]),
                                min(ms[e][0]) / min(ms[e][1]), median(ms[e][0]) / median(ms[e][1])));
                    }
                    assertThat(ortOriginal.outputShape()).containsExactly(batch, 84, 8400);
                }
            }
        }
        report.append(String.format("%n%d rounds, one intra-op thread; load average (1 min) %.2f"
                + " to %.2f on %d cores; %s; Java %s; ONNX Runtime %s%n", rounds,
                loads.stream().mapToDouble(d -> d).min().orElse(0),
                loads.stream().mapToDouble(d -> d).max().orElse(0),
                Runtime.getRuntime().availableProcessors(), cpu(),
                System.getProperty("java.version"), OrtEnvironment.getEnvironment().getVersion()));
        Files.writeString(dir.resolve("yolov8s.md"), report);
        System.out.print(report);
    }

    private static Graph build(PluginHost host, long batch) {
        return new YoloAdapter().build(new ModelSpec("yolov8s", new Shape(batch, 3, SIZE, SIZE),
                Map.of("nc", "80")), host.newGraphBuilder("yolov8s", 0));
    }

    /** One forward pass of a model on its benchmark input. */
    private interface Runner {
        void run() throws Exception;
    }

    private static Runner djl(Graph graph, NDArray input) {
        GraphExecutor executor = new GraphExecutor(graph);
        return () -> {
            try (NDManager pass = input.getManager().newSubManager()) {
                executor.forward(new NDList(input)).attach(pass);
            }
        };
    }

    /** An ONNX Runtime session with one intra-op thread and its input. */
    private static final class OrtRunner implements Runner, AutoCloseable {
        private final OrtSession session;
        private final OnnxTensor input;
        private long[] outputShape;

        OrtRunner(Path model, NDArray x) throws Exception {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(Integer.parseInt(THREADS));
                options.setInterOpNumThreads(Integer.parseInt(THREADS));
                session = env.createSession(model.toString(), options);
            }
            input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()),
                    x.getShape().getShape());
        }

        @Override
        public void run() throws Exception {
            try (OrtSession.Result result = session.run(Map.of("images", input))) {
                outputShape = ((OnnxTensor) result.get(0)).getInfo().getShape();
            }
        }

        long[] outputShape() {
            return outputShape;
        }

        @Override
        public void close() throws OrtException {
            input.close();
            session.close();
        }
    }

    private static double time(Runner runner) throws Exception {
        long start = System.nanoTime();
        runner.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String cpu() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }
}
