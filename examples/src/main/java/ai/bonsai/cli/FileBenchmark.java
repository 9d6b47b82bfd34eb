package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.plugin.PluginHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The file benchmark behind {@code bonsai bench --format NAME}: the ResNet-50 of {@link
 * Benchmark}, written once in the format, then timed end to end — read the file, build the
 * DepGraph and prune 50 % of every group (L2, {@code fc} ignored, kept weights copied), write the
 * pruned file — median of {@link Benchmark#MEASURED} runs after {@link #WARM_UP} warm-ups, with
 * the phases, the file sizes and the peak heap of the timed runs.
 */
final class FileBenchmark {

    static final int WARM_UP = 2;

    private final PluginHost host;
    private final long seed;
    private final String formatName;

    FileBenchmark(PluginHost host, long seed, String formatName) {
        this.host = host;
        this.seed = seed;
        this.formatName = formatName;
    }

    /**
     * Runs the benchmark in a temporary folder, removed afterwards.
     *
     * @param out where progress goes
     * @return the figures, in the order they are printed
     */
    Map<String, Object> run(PrintWriter out) {
        ModelFormat format = host.formats().get(formatName);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("bonsai-bench");
            return run(format, dir, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    private Map<String, Object> run(ModelFormat format, Path dir, PrintWriter out) throws IOException {
        Path source = dir.resolve(Benchmark.ARCHITECTURE + "." + format.name());
        Path target = dir.resolve(Benchmark.ARCHITECTURE + ".pruned." + format.name());
        if (!format.supports(source)) {
            throw new ModelFormatException("format '" + format.name() + "' does not claim '"
                    + source.getFileName() + "'");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", Benchmark.ARCHITECTURE + " [1, 3, 224, 224], format " + format.name());
        try (Graph g = Benchmark.model(host, seed)) {
            r.put("weightMiB", OpCounter.count(g).params() * 4 / (1024.0 * 1024.0));
            format.write(g, source);
        }
        r.put("fileMiB", Files.size(source) / (1024.0 * 1024.0));
        double[][] phases = new double[4][Benchmark.MEASURED];
        for (int i = -WARM_UP; i < Benchmark.MEASURED; i++) {
            out.printf("  file run %d of %d%s%n", i + WARM_UP + 1, WARM_UP + Benchmark.MEASURED,
                    i < 0 ? " (warm-up)" : "");
            out.flush();
            System.gc();
            if (i == 0) {
                PeakHeap.reset();
            }
            long t0 = System.nanoTime();
            try (Graph g = format.read(source, host.newGraphBuilder(Benchmark.ARCHITECTURE, 0))) {
                long t1 = System.nanoTime();
                Benchmark.pruneHalf(g);
                long t2 = System.nanoTime();
                format.write(g, target);
                long t3 = System.nanoTime();
                if (i >= 0) {
                    phases[0][i] = (t3 - t0) / 1e6;
                    phases[1][i] = (t1 - t0) / 1e6;
                    phases[2][i] = (t2 - t1) / 1e6;
                    phases[3][i] = (t3 - t2) / 1e6;
                }
            }
        }
        r.put("peakHeapMiB", PeakHeap.bytes() / (1024.0 * 1024.0));
        r.put("prunedFileMiB", Files.size(target) / (1024.0 * 1024.0));
        String[] names = {"endToEndMillis", "  readMillis", "  depgraphAndPruneMillis", "  writeMillis"};
        for (int k = 0; k < names.length; k++) {
            r.put(names[k], Latency.median(phases[k]));
        }
        return r;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
