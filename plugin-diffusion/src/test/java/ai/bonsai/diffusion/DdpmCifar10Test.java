package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The DDPM CIFAR-10 UNet (35,746,307 parameters, 32 norm groups) pruned 30 % with magnitude L2,
 * {@code conv_out} ignored: widths follow each mode's rule, and the pruned model runs. Prints
 * build, prune and per-step latency figures.
 */
@Tag("slow")
class DdpmCifar10Test {

    private static final ModelSpec SPEC = ModelSpec.of(DiffusersUNetAdapter.DDPM_CIFAR10,
            new Shape(1, 3, 32, 32));

    private static long width(Graph g, String layer) {
        return g.node(layer).parameter("weight").shape().get(0);
    }

    @Test
    void torchPruningModeKeepsIntOfSevenTenthsPerNormGroup() {
        long t0 = System.nanoTime();
        try (Graph g = new DiffusersUNetAdapter().build(SPEC, Fixture.HOST.newGraphBuilder("ddpm", 0));
                NDManager m = NDManager.newBaseManager()) {
            long t1 = System.nanoTime();
            assertThat(OpCounter.count(g).params()).isEqualTo(35_746_307);
            double[] before = latency(g, m);
            long t2 = System.nanoTime();
            Pruning.pruneL2Local30(g);
            long t3 = System.nanoTime();
            assertThat(width(g, "conv_in")).isEqualTo(32 * 2);
            assertThat(width(g, "mid_block.resnets.0.conv1")).isEqualTo(32 * 5);
            assertThat(width(g, "mid_block.attentions.0.to_q")).isEqualTo(179);
            assertThat(width(g, "time_embedding.linear_1")).isEqualTo(358);
            double[] after = latency(g, m);
            System.out.printf("ddpm-cifar10 torch-pruning: %s -> %s; build %.0f ms, prune %.0f ms;"
                    + " step ms (batch 1, 16) before %.1f, %.1f after %.1f, %.1f%n",
                    "35,746,307", OpCounter.count(g), (t1 - t0) / 1e6, (t3 - t2) / 1e6,
                    before[0], before[1], after[0], after[1]);
        }
    }

    /**
     * Exact mode: 25 % of every norm group, 30 % of q/k/v; the sizes are those the Diff-Pruning
     * paper reports for this UNet pruned "30 %" (19.85 M parameters, 3.39 G MACs).
     */
    @Test
    void exactModeKeepsThreeQuartersPerNormGroupAsThePaperReports() {
        try (Graph g = new DiffusersUNetAdapter().build(SPEC, Fixture.HOST.newGraphBuilder("ddpm", 0))) {
            var config = Pruning.l2Local30();
            Map<String, ExactNormRatios.LayerRatio> report = GroupNormMode.EXACT.configure(config, g, 0.3);
            new MetaPruner().start(g, config.build()).step();
            assertThat(report.get("conv_in").achieved()).isEqualTo(0.25);
            assertThat(width(g, "conv_in")).isEqualTo(96);
            assertThat(width(g, "mid_block.resnets.0.conv1")).isEqualTo(192);
            assertThat(width(g, "mid_block.attentions.0.to_q")).isEqualTo(179);
            var cost = OpCounter.count(g);
            assertThat(Math.round(cost.params() / 1e4) / 100.0).isEqualTo(19.85);
            assertThat(Math.round(cost.macs() / 1e7) / 100.0).isEqualTo(3.39);
        }
    }

    /** The fastest of five denoising steps at batch 1 and 16, in ms. */
    private static double[] latency(Graph g, NDManager m) {
        GraphExecutor e = new GraphExecutor(g);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        int[] batches = {1, 16};
        for (int b = 0; b < 2; b++) {
            NDArray x = m.randomNormal(new Shape(batches[b], 3, 32, 32));
            NDArray t = m.full(new Shape(batches[b]), 500, DataType.INT64);
            for (int i = 0; i < 5; i++) {
                long s = System.nanoTime();
                try (NDList out = e.forward(new NDList(x, t))) {
                    assertThat(out.head().getShape()).isEqualTo(x.getShape());
                }
                best[b] = Math.min(best[b], (System.nanoTime() - s) / 1e6);
            }
        }
        return best;
    }
}
