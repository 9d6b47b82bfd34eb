package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.importance.GroupReduction;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.importance.Normalizer;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.Weights;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One regularize call on a hand-built graph changes the gradients by the closed-form value.
 *
 * <p>Graph: x[1,1,2,2] → conv1 (1→3, 1×1) → bn1 → relu → conv2 (3→2, 1×1) → pool → flatten → fc
 * (ignored). conv1's group: conv1 rows w1 = [1, 2, 3], bn1's scale g = [0.5, −1, 2], conv2's
 * columns [1, 2], [0, 1], [1, 0]. With the L2 magnitude summed and not normalized, its scores are
 * I = [1 + 0.25 + 5, 4 + 1 + 1, 9 + 4 + 1] = [6.25, 6, 14].
 */
class RegularizerTest {

    private static final float[] W1 = {1, 2, 3};
    private static final float[] GAMMA = {0.5f, -1, 2};
    private static final float[] W2 = {1, 0, 1, 2, 1, 0};
    private static final double[] I = {6.25, 6, 14};

    private DefaultGraph g;
    private NDManager m;
    private Map<String, NDArray> grads;
    private PruningConfig config;

    @BeforeEach
    void build() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("reg", 1);
        Value x = b.input("x", new Shape(1, 1, 2, 2));
        Value h = b.relu("relu", b.batchNorm("bn1", b.conv2d("conv1", x, 3, 1, 1, 0)));
        h = b.conv2d("conv2", h, 2, 1, 1, 0);
        b.output(b.linear("fc", b.flatten("flat", b.adaptiveAvgPool2d("pool", h, 1, 1)), 2));
        g = (DefaultGraph) b.build();
        Weights.set(g, "conv1", "weight", W1, new Shape(3, 1, 1, 1));
        Weights.set(g, "bn1", "weight", GAMMA, new Shape(3));
        Weights.set(g, "conv2", "weight", W2, new Shape(2, 3, 1, 1));
        m = NDManager.newBaseManager();
        grads = new HashMap<>();
        for (Parameter p : g.parameters().values()) {
            if (p.trainable()) {
                grads.put(p.name(), m.zeros(p.shape()));
            }
        }
        config = PruningConfig.builder()
                .setImportance(MagnitudeImportance.builder().optGroupReduction(GroupReduction.SUM)
                        .optNormalizer(Normalizer.NONE).build())
                .optIgnoredLayers(List.of("fc")).build();
    }

    @AfterEach
    void close() {
        m.close();
        g.close();
    }


    private float[] grad(String name) {
        return grads.get(name).toFloatArray();
    }

    @Test
    void bnScaleAddsRegTimesTheSignOfEveryScale() {
        new BnScaleRegularizer(0.1, false).regularize(g, config, grads);

        assertThat(grad("bn1.weight")).containsExactly(0.1f, -0.1f, 0.1f);
        assertThat(grad("conv1.weight")).containsOnly(0f);
        assertThat(grad("bn1.bias")).containsOnly(0f);
    }

    @Test
    void bnScaleGroupLassoDividesByTheGroupNormOfTheScales() {
        new BnScaleRegularizer(0.1, true).regularize(g, config, grads);

        float[] expected = new float[3];
        for (int c = 0; c < 3; c++) {
            expected[c] = (float) (0.1 / Math.sqrt(GAMMA[c] * GAMMA[c] + 1e-9) * GAMMA[c]);
        }
        assertThat(grad("bn1.weight")).containsExactly(expected, within(1e-6f));
    }

    @Test
    void groupNormScalesEachChannelByAlphaToItsRelativeUnimportance() {
        new GroupNormRegularizer(0.01, 16, false).regularize(g, config, grads);

        double[] s = new double[3];
        for (int c = 0; c < 3; c++) {
            s[c] = Math.sqrt(I[c]);
        }
        double max = s[2];
        double min = s[1];
        float[] conv1 = new float[3];
        float[] bn = new float[3];
        float[] conv2 = new float[6];
        for (int c = 0; c < 3; c++) {
            double gamma = 0.01 * Math.pow(16, (max - s[c]) / (max - min));
            conv1[c] = (float) (gamma * W1[c]);
            bn[c] = (float) (gamma * GAMMA[c]);
            conv2[c] = (float) (gamma * W2[c]);
            conv2[3 + c] = (float) (gamma * W2[3 + c]);
        }
        assertThat(grad("conv1.weight")).containsExactly(conv1, within(1e-6f));
        assertThat(grad("bn1.weight")).containsExactly(bn, within(1e-6f));
        // conv2's own group (rows, with fc's ignored inputs) is regularized as well: its rows get
        // their group's coefficients on top of the columns above
        float[] conv2Rows = rowTerms(0.01);
        for (int i = 0; i < 6; i++) {
            conv2[i] += conv2Rows[i];
        }
        assertThat(grad("conv2.weight")).containsExactly(conv2, within(1e-6f));
    }

    /** conv2's group: rows [1,0,1] and [2,1,0] plus fc's columns; with 2 channels, gamma = 16 or 1. */
    private float[] rowTerms(double reg) {
        float[] fc = g.node("fc").parameter("weight").array().toFloatArray();
        double[] score = new double[2];
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 3; i++) {
                score[o] += W2[o * 3 + i] * W2[o * 3 + i];
            }
            for (int r = 0; r < 2; r++) {
                score[o] += fc[r * 2 + o] * fc[r * 2 + o];
            }
        }
        int weaker = score[0] < score[1] ? 0 : 1;
        float[] t = new float[6];
        for (int o = 0; o < 2; o++) {
            double gamma = reg * (o == weaker ? 16 : 1);
            for (int i = 0; i < 3; i++) {
                t[o * 3 + i] = (float) (gamma * W2[o * 3 + i]);
            }
        }
        return t;
    }

    @Test
    void growingRegRaisesUnimportantChannelsCoefficientsAndSkipsBatchNormsLikeTorchPruning() {
        GrowingRegularizer reg = new GrowingRegularizer(1e-3, 0.5, false);
        reg.update(g, config);
        reg.regularize(g, config, grads);

        float[] conv1 = new float[3];
        for (int c = 0; c < 3; c++) {
            double lambda = 1e-3 + 0.5 * (14 - I[c]) / (14 - 6 + 1e-8);
            conv1[c] = (float) (lambda * W1[c]);
        }
        assertThat(grad("conv1.weight")).containsExactly(conv1, within(1e-6f));
        assertThat(grad("bn1.weight")).containsOnly(0f);
        Group conv1Group = GroupRegularizer.groups(g, config).stream()
                .filter(x -> x.root().node().name().equals("conv1")).findFirst().orElseThrow();
        assertThat(reg.coefficients(conv1Group)).containsExactly(new float[] {
            (float) (1e-3 + 0.5 * 7.75 / 8), (float) (1e-3 + 0.5), 1e-3f}, within(1e-6f));

        GrowingRegularizer withNorms = new GrowingRegularizer(1e-3, 0.5, true);
        grads.get("bn1.weight").subi(grads.get("bn1.weight"));
        withNorms.regularize(g, config, grads);
        assertThat(grad("bn1.weight")).containsExactly(new float[] {5e-4f, -1e-3f, 2e-3f}, within(1e-9f));
    }

    @Test
    void regularizeWithoutAMapAddsToTheGradientsTheParametersHold() {
        NDArray x = m.ones(new Shape(1, 1, 2, 2));
        new GraphExecutor(g).gradients(new NDList(x), out -> out.head().sum(), false);
        float[] before = g.node("bn1").parameter("weight").array().getGradient().toFloatArray();

        new BnScaleRegularizer(0.1, false).regularize(g, config);

        float[] after = g.node("bn1").parameter("weight").array().getGradient().toFloatArray();
        for (int c = 0; c < 3; c++) {
            assertThat(after[c] - before[c]).isCloseTo(0.1f * Math.signum(GAMMA[c]), within(1e-6f));
        }
    }

    @Test
    void parametersAreReadByNameAndBadOnesNamed() {
        Regularizer r = PluginHost.classpathOnly().regularizers().get("group_norm")
                .withParameters(Map.of("reg", 0.5, "alpha", "4"));
        assertThat(r).isInstanceOf(GroupNormRegularizer.class);
        assertThatThrownBy(() -> r.withParameters(Map.of("reg", -1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("regularizer.reg");
        assertThatThrownBy(() -> r.withParameters(Map.of("lambda", 1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("regularizer.lambda");
        assertThat(PluginHost.classpathOnly().regularizers().names())
                .contains("bnscale", "group_norm", "growing_reg");
    }
}
