package ai.bonsai.onnx;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.vision.TorchvisionAdapter;
import ai.djl.ndarray.types.Shape;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A one-off harness, not a test: builds ResNet-50 (seeded weights), writes it as ONNX with the
 * plugin's writer, then times import + DepGraph + 50 % L2 local pruning ({@code fc} ignored) +
 * export, and the peak heap of each phase. Median of 5 runs after 2 warm-up runs.
 *
 * <pre>{@code
 * java -cp <test classpath> ai.bonsai.onnx.OnnxBenchmark /tmp/bench
 * }</pre>
 */
public final class OnnxBenchmark {

    private OnnxBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the work folder
     * @throws Exception on I/O failure
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/onnx-bench"));
        Path source = dir.resolve("resnet50.onnx");
        try (Graph g = new TorchvisionAdapter().build(
                new ModelSpec("resnet50", new Shape(1, 3, 224, 224), Map.of()),
                PluginHost.classpathOnly().newGraphBuilder("resnet50", 0))) {
            new OnnxFormat().write(g, source);
        }
        System.out.printf("source: %s, %.1f MB%n", source, Files.size(source) / 1e6);
        int warmUp = 2;
        int measured = 5;
        long[][] phases = new long[measured][];
        long[][] peaks = new long[measured][];
        for (int run = 0; run < warmUp + measured; run++) {
            System.gc();
            long[] peak = new long[4];
            long[] t = once(source, dir.resolve("resnet50.pruned.onnx"), peak);
            if (run >= warmUp) {
                phases[run - warmUp] = t;
                peaks[run - warmUp] = peak;
            }
        }
        String[] names = {"read", "prune (DepGraph + scoring + selection)", "write", "total"};
        for (int p = 0; p < names.length; p++) {
            final int k = p;
            long[] v = Arrays.stream(phases).mapToLong(r -> r[k]).sorted().toArray();
            long[] h = Arrays.stream(peaks).mapToLong(r -> r[k]).sorted().toArray();
            System.out.printf("%-40s median %6.0f ms (min %.0f, max %.0f), peak heap median %4.0f MiB%n",
                    names[p], v[measured / 2] / 1e6, v[0] / 1e6, v[measured - 1] / 1e6,
                    h[measured / 2] / 1048576.0);
        }
        System.out.printf("pruned file: %.1f MB%n", Files.size(dir.resolve("resnet50.pruned.onnx")) / 1e6);
    }

    private static long[] once(Path source, Path target, long[] peak) {
        resetPeaks();
        long t0 = System.nanoTime();
        try (Graph g = new OnnxFormat().read(source, PluginHost.classpathOnly().newGraphBuilder("r50", 0))) {
            long t1 = System.nanoTime();
            peak[0] = peakHeap();
            resetPeaks();
            OnnxParityTest.prune(g, "fc");
            long t2 = System.nanoTime();
            peak[1] = peakHeap();
            resetPeaks();
            new OnnxFormat().write(g, target);
            long t3 = System.nanoTime();
            peak[2] = peakHeap();
            peak[3] = Math.max(peak[0], Math.max(peak[1], peak[2]));
            if (OpCounter.count(g).params() != 6_917_640L) {
                throw new IllegalStateException("unexpected params " + OpCounter.count(g).params());
            }
            return new long[] {t1 - t0, t2 - t1, t3 - t2, t3 - t0};
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
