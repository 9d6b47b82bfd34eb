package ai.bonsai.core.importance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Weights;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wanda and FLAP on fc1 (2→3, W = [[1,0],[0,1],[1,1]], b = [0,0,1]) → fc2 (3→2, V = [[1,2,3],
 * [0,1,−1]], c = [0.5, 0.5]), calibrated on x = [1, 2] and [3, −1]: fc1's outputs are
 * H = [1, 2, 4] and [3, −1, 3], with means [2, 0.5, 3.5], sample variances [2, 4.5, 0.5] and
 * norms [√10, √5, 5]; the input's norms are [√10, √5].
 */
class ActivationCriteriaTest {

    private DefaultGraph g;
    private Group group;

    @BeforeEach
    void build() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("mlp", 1);
        Value h = b.linear("fc1", b.input("x", new Shape(1, 2)), 3, true);
        b.output(b.linear("fc2", h, 2, true));
        g = (DefaultGraph) b.build();
        Weights.set(g, "fc1", "weight", new float[] {1, 0, 0, 1, 1, 1}, new Shape(3, 2));
        Weights.set(g, "fc1", "bias", new float[] {0, 0, 1}, new Shape(3));
        Weights.set(g, "fc2", "weight", new float[] {1, 2, 3, 0, 1, -1}, new Shape(2, 3));
        Weights.set(g, "fc2", "bias", new float[] {0.5f, 0.5f}, new Shape(2));
        group = DependencyGraph.build(g).getPruningGroup(g.node("fc1"), PruningHandle.PRUNE_OUT,
                IndexSet.range(3));
    }

    @AfterEach
    void close() {
        g.close();
    }


    private void calibrate(ActivationImportance c) {
        try (NDManager m = NDManager.newBaseManager()) {
            c.accumulate(g, new NDList(m.create(new float[] {1, 2, 3, -1}, new Shape(2, 2))));
        }
    }

    @Test
    void wandaWeighsEachWeightByItsInputChannelsNorm() {
        WandaImportance wanda = WandaImportance.builder().optGroupReduction(GroupReduction.SUM)
                .optNormalizer(Normalizer.NONE).build();
        assertThatThrownBy(() -> wanda.score(group)).isInstanceOf(PruningException.class)
                .hasMessageContaining("no activations of 'fc1'");
        calibrate(wanda);
        double r10 = Math.sqrt(10);
        double r5 = Math.sqrt(5);
        // fc1 rows: |W[o,:]|·[√10, √5]; fc2 columns: |V[:,o]|_1 · ||H_o||
        assertThat(wanda.score(group).orElseThrow()).containsExactly(new double[] {
            r10 + 1 * r10, r5 + 3 * r5, (r10 + r5) + 4 * 5}, within(1e-5));
    }

    @Test
    void flapScoresTheFluctuationOfEachInputChannel() {
        FlapImportance flap = FlapImportance.builder().optGroupReduction(GroupReduction.SUM)
                .optNormalizer(Normalizer.NONE).build();
        calibrate(flap);
        // var(H_o) · |V[:,o]|²
        assertThat(flap.score(group).orElseThrow())
                .containsExactly(new double[] {2 * 1, 4.5 * 5, 0.5 * 10}, within(1e-5));
    }

    @Test
    void flapFoldsThePrunedChannelsMeanIntoTheBias() {
        FlapImportance flap = FlapImportance.builder().build();
        calibrate(flap);
        // lowest fluctuation score: channel 0 (mean 2): c += V[:,0] · 2 = [2, 0]
        new MetaPruner().start(g, PruningConfig.builder().setImportance(flap).optRatio(0.3)
                .optIgnoredLayers(List.of("fc2")).build()).step();
        assertThat(g.node("fc2").parameter("weight").array().toFloatArray())
                .containsExactly(2, 3, 1, -1);
        assertThat(g.node("fc2").parameter("bias").array().toFloatArray())
                .containsExactly(new float[] {2.5f, 0.5f}, within(1e-6f));
    }

    @Test
    void wandaAndFlapAreRegisteredByName() {
        assertThat(PluginHost.classpathOnly().criteria().names()).contains("wanda", "flap");
    }
}
