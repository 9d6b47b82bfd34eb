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
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class InstanceNormOpTest {

    private static Value in(GraphBuilder b, Value x, boolean affine) {
        return b.op("instance_norm", "in", Attributes.of().with("eps", 1e-5)
                .with("affine", affine), x);
    }

    @Test
    void declaresWeightAndBiasOnlyWhenAffineAndNeedsSpatialDimensions() {
        GraphBuilder b = builder();
        b.output(in(b, b.input("x", new Shape(1, 3, 2, 2)), true));
        try (DefaultGraph g = build(b)) {
            assertThat(g.parameters()).containsOnlyKeys("in.weight", "in.bias");
            assertThat(g.node("in").output().shape()).isEqualTo(new Shape(1, 3, 2, 2));
        }
        GraphBuilder plain = builder();
        plain.output(in(plain, plain.input("x", new Shape(1, 3, 2)), false));
        try (DefaultGraph g = build(plain)) {
            assertThat(g.parameters()).isEmpty();
        }
        GraphBuilder flat = builder();
        Value x = flat.input("x", new Shape(1, 3));
        assertThatThrownBy(() -> in(flat, x, true))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'in' (instance_norm)")
                .hasMessageContaining("input must have rank >= 3");
    }

    @Test
    void forwardNormalizesEachChannelOfEachSampleOverItsSpatialDimensions() {
        GraphBuilder b = builder();
        b.output(in(b, b.input("x", new Shape(2, 2, 2)), true));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            set(g, "in", "weight", new float[] {2, -1}, new Shape(2));
            set(g, "in", "bias", new float[] {1, 3}, new Shape(2));
            float[] x = {1, 3, 0, 10, 5, 6, -2, -2};
            double[] w = {2, -1};
            double[] bias = {1, 3};
            float[] expected = new float[8];
            for (int row = 0; row < 4; row++) {
                double[] n = GroupNormOpTest.normalize(x[2 * row], x[2 * row + 1]);
                for (int k = 0; k < 2; k++) {
                    expected[2 * row + k] = (float) (n[k] * w[row % 2] + bias[row % 2]);
                }
            }
            assertValues(forward(g.node("in"), false, m.create(x, new Shape(2, 2, 2))),
                    new Shape(2, 2, 2), expected);
        }
    }

    @Test
    void channelsAreCoupledAlongDimensionOneAndPruningRemovesWeightAndBiasEntries() {
        GraphBuilder b = builder();
        b.output(in(b, b.conv2d("conv", b.input("x", new Shape(1, 2, 3, 3)), 3, 1, 1, 0), true));
        try (DefaultGraph g = build(b)) {
            set(g, "in", "weight", new float[] {1, 2, 3}, new Shape(3));
            set(g, "in", "bias", new float[] {4, 5, 6}, new Shape(3));
            Node node = g.node("in");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
            IndexSet idxs = IndexSet.of(1);
            g.node("conv").op().pruneOut(editor(g, "conv"), idxs);
            node.op().pruneIn(editor(g, "in"), idxs);
            g.refresh();
            assertValues(node.parameter("weight").array(), new Shape(2), 1, 3);
            assertValues(node.parameter("bias").array(), new Shape(2), 4, 6);
            assertThat(node.output().shape()).isEqualTo(new Shape(1, 2, 3, 3));
        }
    }

    @Test
    void macsAreTwiceTheInputElementsWhenAffineElseTheInputElements() {
        GraphBuilder b = builder();
        b.output(in(b, b.input("x", new Shape(2, 3, 4, 4)), true));
        try (DefaultGraph g = build(b)) {
            assertThat(g.node("in").op().macs(g.node("in"))).isEqualTo(192);
        }
        GraphBuilder plain = builder();
        plain.output(in(plain, plain.input("x", new Shape(2, 3, 4, 4)), false));
        try (DefaultGraph g = build(plain)) {
            assertThat(g.node("in").op().macs(g.node("in"))).isEqualTo(96);
        }
    }
}
