package ai.bonsai.core.importance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.TinyResNet;
import ai.bonsai.core.testing.Weights;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closed-form scores of each criterion on fc1 (2→3, bias) → fc2 (3→1, no bias), the group of
 * fc1's outputs: fc1's rows W = [[1, 0], [0, 1], [0, 0]], bias b = [1, −2, 3], fc2's columns
 * v = [1, 2, 1]. Reduction sum, no normalizer, unless a test says otherwise.
 */
class CriteriaTest {

    private static final float[] W = {1, 0, 0, 1, 0, 0};
    private static final float[] B = {1, -2, 3};
    private static final float[] V = {1, 2, 1};

    private DefaultGraph g;
    private Group group;

    @BeforeEach
    void build() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("mlp", 1);
        Value h = b.linear("fc1", b.input("x", new Shape(1, 2)), 3, true);
        b.output(b.linear("fc2", h, 1, false));
        g = (DefaultGraph) b.build();
        Weights.set(g, "fc1", "weight", W, new Shape(3, 2));
        Weights.set(g, "fc1", "bias", B, new Shape(3));
        Weights.set(g, "fc2", "weight", V, new Shape(1, 3));
        group = DependencyGraph.build(g).getPruningGroup(g.node("fc1"), PruningHandle.PRUNE_OUT,
                IndexSet.range(3));
    }

    @AfterEach
    void close() {
        g.close();
    }


    private double[] score(ImportanceCriterion c) {
        return c.score(group).orElseThrow();
    }

    @Test
    void everyCriterionIsRegisteredByName() {
        assertThat(PluginHost.classpathOnly().criteria().names()).contains("magnitude", "bnscale",
                "lamp", "fpgm", "random", "taylor", "hessian", "obdc");
    }

    @Test
    void magnitudeAddsABiasTermWhenAsked() {
        double[] s = score(MagnitudeImportance.builder().optP(1).optBias(true)
                .optGroupReduction(GroupReduction.SUM).optNormalizer(Normalizer.NONE).build());
        // |row|_1 + |b| + |v|
        assertThat(s).containsExactly(new double[] {1 + 1 + 1, 1 + 2 + 2, 0 + 3 + 1}, within(1e-6));
    }

    @Test
    void namedParametersConfigureACriterionAndBadOnesAreNamed() {
        ImportanceCriterion c = PluginHost.classpathOnly().criteria().get("magnitude")
                .withParameters(Map.of("p", 1, "group_reduction", "sum", "normalizer", "none"));
        assertThat(score(c)).containsExactly(new double[] {2, 3, 1}, within(1e-6));
        assertThatThrownBy(() -> c.withParameters(Map.of("q", 1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("importance.q")
                .hasMessageContaining("known: [group_reduction, normalizer, bias, score_all_members, p]");
        assertThatThrownBy(() -> c.withParameters(Map.of("normalizer", "median")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("importance.normalizer");
        assertThatThrownBy(() -> c.withParameters(Map.of("p", -1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("importance.p");
        assertThatThrownBy(() -> LampImportance.builder().optNormalizer(Normalizer.MEAN).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("lamp normalizer");
    }

    @Test
    void lampNormalizesByTheSumOfTheScoreAndAllLargerOnes() {
        float[] s = {3, 1, 2};
        Normalizer.LAMP.apply(s);
        assertThat(s).containsExactly(new float[] {1, 1f / 6, 2f / 5}, within(1e-7f));
    }

    @Test
    void fpgmSumsEuclideanDistancesBetweenChannelVectors() {
        double[] s = score(FpgmImportance.builder().optGroupReduction(GroupReduction.SUM)
                .optNormalizer(Normalizer.NONE).build());
        // fc1 rows squared: [1,0], [0,1], [0,0]; fc2 columns squared: [1], [4], [1]
        double r2 = Math.sqrt(2);
        assertThat(s).containsExactly(new double[] {r2 + 1 + (3 + 0), r2 + 1 + (3 + 3), 2 + (0 + 3)},
                within(1e-6));
    }

    @Test
    void bnScaleLeavesAGroupWithoutBatchNormUnscored() {
        assertThat(BnScaleImportance.builder().build().score(group)).isEmpty();
    }

    @Test
    void randomScoresAreASeededPermutation() {
        double[] a = score(new RandomImportance(7));
        assertThat(a).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(score(PluginHost.classpathOnly().criteria().get("random")
                .withParameters(Map.of("seed", 7)))).containsExactly(a);
    }

    @Test
    void taylorScoresWeightTimesGradientOfTheSumOfOutputs() {
        TaylorImportance taylor = TaylorImportance.builder().optGroupReduction(GroupReduction.SUM)
                .optNormalizer(Normalizer.NONE).build();
        assertThat(taylor.isCalibrated()).isFalse();
        assertThatThrownBy(() -> taylor.score(group)).isInstanceOf(PruningException.class)
                .hasMessageContaining("accumulate");
        try (NDManager m = NDManager.newBaseManager()) {
            taylor.accumulate(g, new NDList(m.create(new float[] {1, 2}, new Shape(1, 2))));
        }
        // y = v·(Wx + b): dy/dW[o,i] = v_o x_i, dy/dv_o = h_o = (Wx + b)_o = [2, 0, 3]
        double[] h = {2, 0, 3};
        double[] expected = new double[3];
        double[] x = {1, 2};
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < 2; i++) {
                expected[o] += Math.abs(W[o * 2 + i] * V[o] * x[i]);
            }
            expected[o] += Math.abs(V[o] * h[o]);
        }
        assertThat(score(taylor)).containsExactly(expected, within(1e-6));
        taylor.reset();
        assertThat(taylor.isCalibrated()).isFalse();
    }

    @Test
    void hessianUsesTheMeanSquaredPerSampleGradient() {
        HessianImportance hessian = HessianImportance.builder().optGroupReduction(GroupReduction.SUM)
                .optNormalizer(Normalizer.NONE).build();
        try (NDManager m = NDManager.newBaseManager()) {
            hessian.accumulate(g, new NDList(m.create(new float[] {1, 2, 3, -1}, new Shape(2, 2))));
        }
        double[][] xs = {{1, 2}, {3, -1}};
        double[] expected = new double[3];
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < 2; i++) {
                double h = 0;
                for (double[] x : xs) {
                    h += Math.pow(V[o] * x[i], 2) / 2;
                }
                expected[o] += W[o * 2 + i] * W[o * 2 + i] * h;
            }
            double hv = 0;
            for (double[] x : xs) {
                double act = W[o * 2] * x[0] + W[o * 2 + 1] * x[1] + B[o];
                hv += act * act / 2;
            }
            expected[o] += V[o] * V[o] * hv;
        }
        assertThat(score(hessian)).containsExactly(expected, within(1e-5));
    }

    @Test
    void obdcScoresOutputRowsOnly() {
        ObdcImportance obdc = ObdcImportance.builder().optGroupReduction(GroupReduction.SUM)
                .optNormalizer(Normalizer.NONE).build();
        try (NDManager m = NDManager.newBaseManager()) {
            obdc.accumulate(g, new NDList(m.create(new float[] {1, 2}, new Shape(1, 2))));
        }
        double[] expected = new double[3];
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < 2; i++) {
                double f = Math.pow(V[o] * (i + 1), 2);
                expected[o] += W[o * 2 + i] * W[o * 2 + i] * (f + 1e-10);
            }
        }
        assertThat(score(obdc)).containsExactly(expected, within(1e-6));
    }

    @Test
    void scoreAllMembersAlsoScoresTheDepthwiseConvolution() {
        try (DefaultGraph net = (DefaultGraph) TinyResNet.build()) {
            Fixtures.loadWeights(net, "tiny_resnet");
            Group stem = DependencyGraph.build(net).getPruningGroup(net.node("conv1"),
                    PruningHandle.PRUNE_OUT, IndexSet.range(16));
            MagnitudeImportance plain = MagnitudeImportance.builder()
                    .optNormalizer(Normalizer.NONE).optGroupReduction(GroupReduction.SUM).build();
            MagnitudeImportance all = MagnitudeImportance.builder().optScoreAllMembers(true)
                    .optNormalizer(Normalizer.NONE).optGroupReduction(GroupReduction.SUM).build();
            double[] p = plain.score(stem).orElseThrow();
            double[] a = all.score(stem).orElseThrow();
            float[] dw = net.node("dw").parameter("weight").array().toFloatArray();
            for (int c = 0; c < 16; c++) {
                double rowSum = 0;
                for (int k = 0; k < 9; k++) {
                    rowSum += dw[c * 9 + k] * dw[c * 9 + k];
                }
                assertThat(a[c] - p[c]).isCloseTo(rowSum, within(1e-4));
            }
        }
    }
}
