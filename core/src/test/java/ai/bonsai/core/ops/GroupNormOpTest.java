package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static ai.bonsai.core.ops.OpTesting.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class GroupNormOpTest {

    private static final double EPS = 1e-5;

    private static Value gn(GraphBuilder b, Value x, long groups, boolean affine) {
        return b.op("group_norm", "gn", Attributes.of().with("num_groups", groups)
                .with("eps", EPS).with("affine", affine), x);
    }

    /** A 1x1 conv with 4 output channels into a group norm of 2 groups. */
    private static DefaultGraph convIntoGroupNorm() {
        GraphBuilder b = builder();
        b.output(gn(b, b.conv2d("conv", b.input("x", new Shape(1, 2, 3, 3)), 4, 1, 1, 0), 2,
                true));
        DefaultGraph g = build(b);
        set(g, "gn", "weight", new float[] {1, 2, 3, 4}, new Shape(4));
        set(g, "gn", "bias", new float[] {5, 6, 7, 8}, new Shape(4));
        return g;
    }

    /** (x - mean) / sqrt(biased var + eps) of one group. */
    static double[] normalize(double... group) {
        double mean = 0;
        for (double v : group) {
            mean += v;
        }
        mean /= group.length;
        double var = 0;
        for (double v : group) {
            var += (v - mean) * (v - mean);
        }
        var /= group.length;
        double[] out = new double[group.length];
        for (int i = 0; i < group.length; i++) {
            out[i] = (group[i] - mean) / Math.sqrt(var + EPS);
        }
        return out;
    }

    @Test
    void declaresPerChannelWeightAndBiasWhenAffine() {
        GraphBuilder b = builder();
        b.output(gn(b, b.input("x", new Shape(2, 4, 3)), 2, true));
        try (DefaultGraph g = build(b)) {
            assertThat(g.parameters()).containsOnlyKeys("gn.weight", "gn.bias");
            assertValues(g.parameters().get("gn.weight").array(), new Shape(4), 1, 1, 1, 1);
            assertValues(g.parameters().get("gn.bias").array(), new Shape(4), 0, 0, 0, 0);
            assertThat(g.node("gn").output().shape()).isEqualTo(new Shape(2, 4, 3));
        }
        GraphBuilder plain = builder();
        plain.output(gn(plain, plain.input("x", new Shape(2, 4)), 4, false));
        try (DefaultGraph g = build(plain)) {
            assertThat(g.parameters()).isEmpty();
        }
    }

    @Test
    void rejectsGroupsThatDoNotDivideTheChannels() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 6, 2));
        assertThatThrownBy(() -> gn(b, x, 4, true))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'gn' (group_norm)")
                .hasMessageContaining("num_groups 4 must divide the 6 channels");
    }

    @Test
    void forwardNormalizesEachGroupOfEachSampleThenScalesAndShiftsEachChannel() {
        GraphBuilder b = builder();
        b.output(gn(b, b.input("x", new Shape(1, 4, 2)), 2, true));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            set(g, "gn", "weight", new float[] {2, -1, 0.5f, 1}, new Shape(4));
            set(g, "gn", "bias", new float[] {1, 0, -1, 3}, new Shape(4));
            float[] x = {1, 2, 4, 9, -3, 0, 0, 1};
            double[] first = normalize(1, 2, 4, 9);
            double[] second = normalize(-3, 0, 0, 1);
            double[] w = {2, -1, 0.5, 1};
            double[] bias = {1, 0, -1, 3};
            float[] expected = new float[8];
            for (int i = 0; i < 8; i++) {
                double n = i < 4 ? first[i] : second[i - 4];
                expected[i] = (float) (n * w[i / 2] + bias[i / 2]);
            }
            assertValues(forward(g.node("gn"), false, m.create(x, new Shape(1, 4, 2))),
                    new Shape(1, 4, 2), expected);
        }
    }

    @Test
    void channelsAreCoupledAlongDimensionOne() {
        try (DefaultGraph g = convIntoGroupNorm()) {
            Node node = g.node("gn");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 4));
            assertThat(node.output().channelDim()).isEqualTo(1);
        }
    }

    @Test
    void pruningAsManyChannelsFromEveryGroupKeepsTheGroups() {
        try (DefaultGraph g = convIntoGroupNorm()) {
            IndexSet idxs = IndexSet.of(0, 3);
            g.node("conv").op().pruneOut(editor(g, "conv"), idxs);
            g.node("gn").op().pruneIn(editor(g, "gn"), idxs);
            g.refresh();
            Node gn = g.node("gn");
            assertValues(gn.parameter("weight").array(), new Shape(2), 2, 3);
            assertValues(gn.parameter("bias").array(), new Shape(2), 6, 7);
            assertThat(gn.attributes().getLong("num_groups")).isEqualTo(2);
            assertThat(gn.output().shape()).isEqualTo(new Shape(1, 2, 3, 3));
        }
    }

    @Test
    void pruningWholeGroupsDropsThem() {
        try (DefaultGraph g = convIntoGroupNorm()) {
            IndexSet idxs = IndexSet.of(2, 3);
            g.node("conv").op().pruneOut(editor(g, "conv"), idxs);
            g.node("gn").op().pruneOut(editor(g, "gn"), idxs);
            g.refresh();
            Node gn = g.node("gn");
            assertValues(gn.parameter("weight").array(), new Shape(2), 1, 2);
            assertThat(gn.attributes().getLong("num_groups")).isEqualTo(1);
            assertThat(gn.op().channels(gn)).isEqualTo(ChannelSemantics.passThrough(1, 2));
        }
    }

    @Test
    void pruningUnevenlyAcrossGroupsIsRefused() {
        try (DefaultGraph g = convIntoGroupNorm()) {
            assertThatThrownBy(() -> g.node("gn").op().pruneOut(editor(g, "gn"), IndexSet.of(0)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 'gn' (group_norm)")
                    .hasMessageContaining("group norm needs whole groups or an equal number of "
                            + "channels from every group");
            assertThat(g.node("gn").parameter("weight").shape()).isEqualTo(new Shape(4));
        }
    }

    @Test
    void macsAreTwiceTheInputElementsWhenAffine() {
        GraphBuilder b = builder();
        b.output(gn(b, b.input("x", new Shape(2, 4, 3, 3)), 2, true));
        try (DefaultGraph g = build(b)) {
            assertThat(g.node("gn").op().macs(g.node("gn"))).isEqualTo(144);
        }
        GraphBuilder plain = builder();
        plain.output(gn(plain, plain.input("x", new Shape(2, 4, 3, 3)), 2, false));
        try (DefaultGraph g = build(plain)) {
            assertThat(g.node("gn").op().macs(g.node("gn"))).isEqualTo(72);
        }
    }
}
