package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.importance.DefaultGradientCriteria;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Diff-Pruning's importance on random calibration images: deterministic for a seed, and it stops
 * at the first timestep whose loss falls below the threshold share of the largest so far (a high
 * threshold, 0.95, so that the untrained fixture stops within a few steps).
 */
class DiffPruningImportanceTest {

    private static final Map<String, Object> SETTINGS = Map.of("threshold", 0.95, "seed", 7);

    private static NDArray images(NDManager m) {
        Random r = new Random(3);
        float[] v = new float[2 * 3 * 16 * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return m.create(v, new Shape(2, 3, 16, 16));
    }

    private static DiffPruningImportance criterion(Map<String, ?> settings) {
        return (DiffPruningImportance) new DiffPruningImportance(new DefaultGradientCriteria())
                .withParameters(settings);
    }

    /** Calibrates on the fixture and scores the groups of a few layers. */
    private static List<double[]> scores(DiffPruningImportance c) {
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            c.accumulate(g, new NDList(images(m)));
            DependencyGraph dg = DependencyGraph.build(g);
            List<double[]> out = new ArrayList<>();
            for (String layer : List.of("conv_in", "mid_block.resnets.0.conv1", "mid_block.attentions.0.to_q")) {
                Group group = dg.getPruningGroup(g.node(layer), PruningHandle.PRUNE_OUT,
                        ai.bonsai.api.prune.IndexSet.range(Math.toIntExact(
                                g.node(layer).parameter("weight").shape().get(0))));
                Optional<double[]> s = c.score(group);
                assertThat(s).as(layer).isPresent();
                out.add(s.get());
            }
            return out;
        }
    }

    @Test
    void isDeterministicForASeedAndStopsWhereItReports() {
        DiffPruningImportance first = criterion(SETTINGS);
        DiffPruningImportance second = criterion(SETTINGS);
        List<double[]> a = scores(first);
        List<double[]> b = scores(second);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).containsExactly(b.get(i));
        }
        DiffPruningImportance.Report report = first.report();
        assertThat(second.report()).isEqualTo(report);

        List<Double> losses = report.losses();
        assertThat(losses).hasSize(report.stopStep() + 1);
        double max = 0;
        for (int k = 0; k < losses.size(); k++) {
            max = Math.max(max, losses.get(k));
            boolean below = losses.get(k) < 0.95 * max;
            assertThat(below).as("step " + k).isEqualTo(k == report.stopStep());
        }
        assertThat(report.stopStep()).isLessThan(999);

    }

    @Test
    void anotherSeedDrawsOtherNoise() {
        DiffPruningImportance a = criterion(Map.of("threshold", 0.99, "seed", 7));
        DiffPruningImportance b = criterion(Map.of("threshold", 0.99, "seed", 8));
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            a.accumulate(g, new NDList(images(m)));
            b.accumulate(g, new NDList(images(m)));
        }
        assertThat(a.report().losses().get(0)).isNotEqualTo(b.report().losses().get(0));
    }

    @Test
    void theHostInjectsIt() {
        assertThat(Fixture.HOST.criteria().get(DiffPruningImportance.NAME))
                .isInstanceOf(DiffPruningImportance.class);
    }

    @Test
    void namesAnUnknownParameter() {
        assertThatThrownBy(() -> criterion(Map.of("thresold", 0.1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("importance.thresold")
                .hasMessageContaining("known: [beta_end, beta_start, seed, threshold, timesteps]");
        assertThatThrownBy(() -> criterion(Map.of("threshold", 1.5)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be in (0, 1)");
    }
}
