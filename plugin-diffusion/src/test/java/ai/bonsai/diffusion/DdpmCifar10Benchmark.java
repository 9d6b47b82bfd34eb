package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARKS.md's diffusion figures: the DDPM CIFAR-10 UNet (35,746,307 parameters) built by the
 * adapter with seeded weights and pruned 30 % (magnitude L2, local, {@code conv_out} ignored) in
 * both GroupNorm modes. Build and prune time over {@value #PRUNE_RUNS} fresh builds (min and
 * median; the first has a cold JIT); the UNet's latency per denoising step (one forward pass at
 * timestep 500, eval mode) at batch 1 and 16, one intra-op thread, the three models measured in
 * turn over {@value #ROUNDS} rounds after a warm-up pass (min and median), with the one-minute load
 * average before and after. Writes {@code target/benchmarks/ddpm-cifar10.md}.
 *
 * <p>Run alone, so that DJL's engine starts with one thread: {@code mvn -o -B -pl plugin-diffusion
 * -am verify -Pslow -Dtest=DdpmCifar10Benchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class DdpmCifar10Benchmark {

    static {
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static final ModelSpec SPEC = ModelSpec.of(DiffusersUNetAdapter.DDPM_CIFAR10,
            new Shape(1, 3, 32, 32));
    private static final int PRUNE_RUNS = 3;
    private static final int ROUNDS = 7;
    private static final long[] BATCHES = {1, 16};

    private static Graph build() {
        return new DiffusersUNetAdapter().build(SPEC, Fixture.HOST.newGraphBuilder("ddpm", 0));
    }

    /** Builds the DepGraph for 30 % L2 in a mode (the run's start). */
    private static PruningRun start(Graph g, GroupNormMode mode) {
        PruningConfig.Builder config = Pruning.l2Local30();
        mode.configure(config, g, 0.3);
        return new MetaPruner().start(g, config.build());
    }

    @Test
    void buildPruneAndStepLatency() throws IOException {
        Engine.getInstance();
        String loadBefore = loadAverage();
        double[] buildMs = new double[PRUNE_RUNS];
        double[] depGraphMs = new double[PRUNE_RUNS];
        double[] pruneMs = new double[PRUNE_RUNS];
        for (int r = 0; r < PRUNE_RUNS; r++) {
            long t0 = System.nanoTime();
            try (Graph g = build()) {
                long t1 = System.nanoTime();
                PruningRun run = start(g, GroupNormMode.TORCH_PRUNING);
                long t2 = System.nanoTime();
                run.step();
                long t3 = System.nanoTime();
                buildMs[r] = (t1 - t0) / 1e6;
                depGraphMs[r] = (t2 - t1) / 1e6;
                pruneMs[r] = (t3 - t2) / 1e6;
            }
        }
        double[] depGraphAndPrune = sum(depGraphMs, pruneMs);
        Map<String, Graph> models = new LinkedHashMap<>();
        models.put("original", build());
        assertThat(OpCounter.count(models.get("original")).params()).isEqualTo(35_746_307);
        models.put("torch-pruning mode", build());
        start(models.get("torch-pruning mode"), GroupNormMode.TORCH_PRUNING).step();
        models.put("exact mode", build());
        start(models.get("exact mode"), GroupNormMode.EXACT).step();
        Map<String, double[][]> ms = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDList> inputs = new ArrayList<>();
            for (long b : BATCHES) {
                inputs.add(new NDList(m.randomNormal(new Shape(b, 3, 32, 32)),
                        m.full(new Shape(b), 500, DataType.INT64)));
            }
            models.forEach((name, g) -> ms.put(name, new double[BATCHES.length][ROUNDS + 1]));
            for (int round = 0; round <= ROUNDS; round++) {
                for (Map.Entry<String, Graph> e : models.entrySet()) {
                    for (int b = 0; b < BATCHES.length; b++) {
                        ms.get(e.getKey())[b][round] = stepMs(e.getValue(), inputs.get(b), m);
                    }
                }
            }
        }
        String loadAfter = loadAverage();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Measured %s, %d cores, Java %s, PyTorch %s (DJL), intra-op threads %s;"
                + " one-minute load average %s before, %s after.%n%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Engine.getInstance().getVersion(), System.getProperty("ai.djl.pytorch.num_threads"),
                loadBefore, loadAfter));
        md.append(String.format(Locale.ROOT, "%d fresh builds, min / median: model built by the adapter"
                + " (seeded weights) %.2f / %.2f s; MetaPruner.start (DepGraph) %.1f / %.1f ms; 30 %% L2 pruning step (scoring"
                + " + pruning, torch-pruning mode) %.2f / %.2f s; DepGraph + pruning %.2f / %.2f s;"
                + " all three %.2f / %.2f s.%n%n", PRUNE_RUNS,
                min(buildMs) / 1e3, median(buildMs) / 1e3, min(depGraphMs), median(depGraphMs),
                min(pruneMs) / 1e3, median(pruneMs) / 1e3, min(depGraphAndPrune) / 1e3,
                median(depGraphAndPrune) / 1e3, min(sum(buildMs, depGraphAndPrune)) / 1e3,
                median(sum(buildMs, depGraphAndPrune)) / 1e3));
        md.append("| model | params | MACs | step, batch 1 (min / median) | step, batch 16 (min / median) |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        double[][] base = ms.get("original");
        for (Map.Entry<String, Graph> e : models.entrySet()) {
            var cost = OpCounter.count(e.getValue());
            double[][] t = ms.get(e.getKey());
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f G | %s | %s |%n", e.getKey(), cost.params(),
                    cost.macs() / 1e9, cell(t[0], base[0]), cell(t[1], base[1])));
            e.getValue().close();
        }
        Path out = Path.of("target", "benchmarks", "ddpm-cifar10.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        System.out.print(md);
    }

    /** One denoising step's forward pass in ms; the output is checked and released. */
    private static double stepMs(Graph g, NDList in, NDManager m) {
        long t = System.nanoTime();
        try (NDManager pass = m.newSubManager()) {
            NDList out = new GraphExecutor(g).forward(in);
            out.attach(pass);
            assertThat(out.head().getShape()).isEqualTo(in.head().getShape());
        }
        return (System.nanoTime() - t) / 1e6;
    }

    /** Min and median of the timed rounds (round 0 is the warm-up), with the speed-up of each. */
    private static String cell(double[] rounds, double[] base) {
        double[] t = Arrays.copyOfRange(rounds, 1, rounds.length);
        double[] b = Arrays.copyOfRange(base, 1, base.length);
        return String.format(Locale.ROOT, "%.1f / %.1f ms (%.2f× / %.2f×)", min(t), median(t),
                min(b) / min(t), median(b) / median(t));
    }

    private static double[] sum(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
