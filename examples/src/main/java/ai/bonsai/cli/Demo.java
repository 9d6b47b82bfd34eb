package ai.bonsai.cli;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The demo behind {@code bonsai demo}: ResNet-18 from the host's {@code torchvision} adapter,
 * the DepGraph group of {@code conv1} for idxs [2, 6, 9], then 50 % local L2-magnitude pruning
 * with the classifier {@code fc} ignored, with params, MACs and latency before and after.
 *
 * <pre>{@code
 * try (PluginHost host = PluginHost.builder().build()) {
 *     DemoReport report = new Demo(host, 42).run(new PrintWriter(System.out, true));
 * }
 * }</pre>
 */
public final class Demo {

    /** The architecture the demo prunes. */
    public static final String ARCHITECTURE = "resnet18";
    /** The input shape: one 224×224 RGB image. */
    public static final Shape INPUT = new Shape(1, 3, 224, 224);
    /** The fraction of channels removed from each group. */
    public static final double RATIO = 0.5;

    private static final IndexSet GROUP_IDXS = IndexSet.of(2, 6, 9);

    private final PluginHost host;
    private final long seed;
    private final int runs;

    /**
     * Creates the demo, timing {@value Latency#RUNS} forward passes before and after pruning.
     *
     * @param host the plugin host that provides the {@code resnet18} adapter
     * @param seed the seed of the model's weights
     */
    public Demo(PluginHost host, long seed) {
        this(host, seed, Latency.RUNS);
    }

    /**
     * Creates the demo.
     *
     * @param host the plugin host that provides the {@code resnet18} adapter
     * @param seed the seed of the model's weights
     * @param runs timed forward passes before and after pruning (at least 1)
     * @throws IllegalArgumentException if {@code runs} is below 1
     */
    public Demo(PluginHost host, long seed, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("demo: runs must be at least 1, found " + runs);
        }
        this.host = host;
        this.seed = seed;
        this.runs = runs;
    }

    /**
     * Runs the demo, printing as it goes.
     *
     * @param out where the printout goes
     * @return the figures
     * @throws BonsaiException if the pruned model's output shape differs from the original's
     */
    public DemoReport run(PrintWriter out) {
        Graph graph = host.adapterFor(ARCHITECTURE)
                .build(ModelSpec.of(ARCHITECTURE, INPUT), host.newGraphBuilder(ARCHITECTURE, seed));
        out.printf("ResNet-18 with seeded weights (seed %d), input %s%n%n", seed, dims(INPUT));

        Group group = DependencyGraph.build(graph)
                .getPruningGroup(graph.node("conv1"), PruningHandle.PRUNE_OUT, GROUP_IDXS);
        out.printf("DepGraph group of conv1 for idxs %s:%n%s%n%n", GROUP_IDXS, group);

        ModelCost before = OpCounter.count(graph);
        Latency.Result original = Latency.measure(graph, INPUT, runs);
        new MetaPruner().start(graph, PruningConfig.builder()
                        .setImportance(new MagnitudeImportance())
                        .optRatio(RATIO)
                        .optIgnoredLayers(List.of("fc"))
                        .build())
                .step();
        ModelCost after = OpCounter.count(graph);
        Latency.Result pruned = Latency.measure(graph, INPUT, runs);

        DemoReport report = new DemoReport(before, after, original.medianMillis(),
                pruned.medianMillis(), original.outputShape(), pruned.outputShape());
        print(out, report);
        if (!report.outputShapeUnchanged()) {
            throw new BonsaiException("the pruned model's output shape "
                    + dims(report.outputAfter()) + " differs from the original's "
                    + dims(report.outputBefore()));
        }
        return report;
    }

    private void print(PrintWriter out, DemoReport r) {
        out.printf("Pruned %.0f %% of channels (L2 magnitude, 'fc' ignored, 1 step, local):%n",
                RATIO * 100);
        out.printf("  params   %d -> %d  (%.2fx fewer)%n", r.before().params(), r.after().params(),
                (double) r.before().params() / r.after().params());
        out.printf("  MACs     %d -> %d  (%.2fx fewer)%n", r.before().macs(), r.after().macs(),
                (double) r.before().macs() / r.after().macs());
        out.printf("  latency  %.2f ms -> %.2f ms  (%.2fx faster; median of %d forward passes,"
                        + " batch 1)%n", r.latencyBeforeMillis(), r.latencyAfterMillis(),
                r.latencyBeforeMillis() / r.latencyAfterMillis(), runs);
        out.printf("  output   %s -> %s  (%s)%n", dims(r.outputBefore()), dims(r.outputAfter()),
                r.outputShapeUnchanged() ? "unchanged" : "CHANGED");
        out.flush();
    }

    private static String dims(Shape shape) {
        return Arrays.toString(shape.getShape());
    }
}
