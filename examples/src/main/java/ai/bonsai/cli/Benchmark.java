package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark behind {@code bonsai bench}: ResNet-50 (1×3×224×224) from the {@code
 * torchvision} adapter, 50 % local L2-magnitude pruning with {@code fc} ignored.
 *
 * <p>Figures: DepGraph build alone and DepGraph build + full pruning step + applying every
 * pending parameter selection (the pruned weights exist in memory at the end), with the phases
 * of the latter (start with DepGraph build, scoring, selecting and pruning the groups, copying
 * the kept weights), each the median of
 * {@link #MEASURED} runs on fresh graphs after {@link #WARM_UP} warm-up runs, and the minimum of
 * the whole, which other load on a shared machine inflates least; peak heap over the whole run;
 * forward latency of the original and pruned graph at batch 1 and 8; the one-minute load average
 * before and after. A garbage collection runs before each timed run (building the models
 * allocates their initial weights).
 */
final class Benchmark {

    static final String ARCHITECTURE = "resnet50";
    static final int WARM_UP = 3;
    static final int MEASURED = 10;
    static final int LATENCY_RUNS = 20;

    private final PluginHost host;
    private final long seed;

    Benchmark(PluginHost host, long seed) {
        this.host = host;
        this.seed = seed;
    }

    /**
     * Runs the benchmark, printing progress and the table.
     *
     * @param out where the printout goes
     * @return the figures, in the order they are printed
     */
    Map<String, Object> run(PrintWriter out) {
        PeakHeap.reset();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", ARCHITECTURE + " " + List.of(1, 3, 224, 224));
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("intraOpThreads", Integer.getInteger("ai.djl.pytorch.num_threads", -1));
        r.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        r.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        r.put("loadAverageBefore", loadAverage());

        double[] build = new double[MEASURED];
        double[] prune = new double[MEASURED];
        double[][] phases = new double[4][MEASURED];
        for (int i = -WARM_UP; i < MEASURED; i++) {
            out.printf("  pruning run %d of %d%s%n", i + WARM_UP + 1, WARM_UP + MEASURED,
                    i < 0 ? " (warm-up)" : "");
            out.flush();
            try (Graph g = model(); Graph h = model()) {
                System.gc();
                long t0 = System.nanoTime();
                DependencyGraph.build(g);
                long t1 = System.nanoTime();
                long[] marks = pruneHalf(h);
                if (i >= 0) {
                    build[i] = (t1 - t0) / 1e6;
                    prune[i] = (marks[4] - marks[0]) / 1e6;
                    for (int k = 0; k < 4; k++) {
                        phases[k][i] = (marks[k + 1] - marks[k]) / 1e6;
                    }
                }
            }
        }
        r.put("depgraphBuildMillis", Latency.median(build));
        r.put("depgraphBuildAndPruneMillis", Latency.median(prune));
        r.put("depgraphBuildAndPruneMinMillis", Arrays.stream(prune).min().orElseThrow());
        String[] names = {"startMillis", "scoreMillis", "selectAndPruneMillis", "materializeMillis"};
        for (int k = 0; k < names.length; k++) {
            r.put("  " + names[k], Latency.median(phases[k]));
        }

        try (Graph original = model(); Graph pruned = model()) {
            pruneHalf(pruned);
            ModelCost before = OpCounter.count(original);
            ModelCost after = OpCounter.count(pruned);
            r.put("paramsBefore", before.params());
            r.put("paramsAfter", after.params());
            r.put("macsBefore", before.macs());
            r.put("macsAfter", after.macs());
            r.put("macsReduction", (double) before.macs() / after.macs());
            for (int batch : new int[] {1, 8}) {
                out.printf("  latency at batch %d%n", batch);
                out.flush();
                Shape input = new Shape(batch, 3, 224, 224);
                double o = Latency.measure(original, input, LATENCY_RUNS).medianMillis();
                double p = Latency.measure(pruned, input, LATENCY_RUNS).medianMillis();
                r.put("latencyBatch" + batch + "OriginalMillis", o);
                r.put("latencyBatch" + batch + "PrunedMillis", p);
                r.put("speedupBatch" + batch, o / p);
            }
        }
        r.put("peakHeapMiB", PeakHeap.bytes() / (1024.0 * 1024.0));
        r.put("loadAverageAfter", loadAverage());
        return r;
    }

    /**
     * Returns the system's one-minute load average (other processes sharing the cores).
     *
     * @return the load average, negative where the platform has none
     */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private Graph model() {
        return model(host, seed);
    }

    /**
     * Builds the benchmark's model with seeded weights.
     *
     * @param host the host with the {@code torchvision} adapter
     * @param seed the seed
     * @return ResNet-50 for 1×3×224×224 inputs
     */
    static Graph model(PluginHost host, long seed) {
        return host.adapterFor(ARCHITECTURE).build(
                ModelSpec.of(ARCHITECTURE, new Shape(1, 3, 224, 224)),
                host.newGraphBuilder(ARCHITECTURE, seed));
    }

    /**
     * Prunes half the channels and applies the pending selections.
     *
     * @return nanosecond marks: start, after the DepGraph build, after scoring, after pruning
     *     every group, after materializing
     */
    static long[] pruneHalf(Graph g) {
        long[] marks = new long[5];
        marks[0] = System.nanoTime();
        PruningRun run = new MetaPruner().start(g, PruningConfig.builder()
                .setImportance(new MagnitudeImportance())
                .optRatio(0.5)
                .optIgnoredLayers(List.of("fc"))
                .build());
        marks[1] = System.nanoTime();
        Iterator<Group> groups = run.stepInteractive();
        marks[2] = System.nanoTime();
        groups.forEachRemaining(Group::prune);
        marks[3] = System.nanoTime();
        ((DefaultGraph) g).materialize();
        marks[4] = System.nanoTime();
        return marks;
    }
}
