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

class LayerNormOpTest {

    private static final double EPS = 1e-5;

    private static Value ln(GraphBuilder b, Value x, boolean affine, long... normalized) {
        return b.op("layer_norm", "ln", Attributes.of().with("normalized_shape", normalized)
                .with("eps", EPS).with("elementwise_affine", affine), x);
    }

    /** (x - mean) / sqrt(biased var + eps) of one row. */
    private static double[] normalize(double... row) {
        double mean = 0;
        for (double v : row) {
            mean += v;
        }
        mean /= row.length;
        double var = 0;
        for (double v : row) {
            var += (v - mean) * (v - mean);
        }
        var /= row.length;
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = (row[i] - mean) / Math.sqrt(var + EPS);
        }
        return out;
    }

    @Test
    void declaresPyTorchParametersWhenAffine() {
        GraphBuilder b = builder();
        b.output(ln(b, b.input("x", new Shape(2, 3)), true, 3));
        try (DefaultGraph g = build(b)) {
            assertThat(g.parameters()).containsOnlyKeys("ln.weight", "ln.bias");
            assertValues(g.parameters().get("ln.weight").array(), new Shape(3), 1, 1, 1);
            assertValues(g.parameters().get("ln.bias").array(), new Shape(3), 0, 0, 0);
            assertThat(g.node("ln").output().shape()).isEqualTo(new Shape(2, 3));
        }
        GraphBuilder plain = builder();
        plain.output(ln(plain, plain.input("x", new Shape(2, 3)), false, 3));
        try (DefaultGraph g = build(plain)) {
            assertThat(g.parameters()).isEmpty();
        }
    }

    @Test
    void namesANormalizedShapeThatDoesNotMatch() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 4));
        assertThatThrownBy(() -> ln(b, x, true, 3))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'ln' (layer_norm)")
                .hasMessageContaining("normalized_shape [3] does not match the last dimensions "
                        + "of input (2, 3, 4)");
    }

    @Test
    void forwardNormalizesEachRowThenScalesAndShifts() {
        GraphBuilder b = builder();
        b.output(ln(b, b.input("x", new Shape(2, 3)), true, 3));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            set(g, "ln", "weight", new float[] {2, 0.5f, -1}, new Shape(3));
            set(g, "ln", "bias", new float[] {1, 0, -1}, new Shape(3));
            double[] w = {2, 0.5, -1};
            double[] bias = {1, 0, -1};
            double[][] rows = {normalize(1, 2, 6), normalize(-3, 0, 0)};
            float[] expected = new float[6];
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    expected[r * 3 + c] = (float) (rows[r][c] * w[c] + bias[c]);
                }
            }
            assertValues(forward(g.node("ln"), false,
                    m.create(new float[] {1, 2, 6, -3, 0, 0}, new Shape(2, 3))),
                    new Shape(2, 3), expected);
        }
    }

    @Test
    void forwardNormalizesOverSeveralTrailingDimensions() {
        GraphBuilder b = builder();
        b.output(ln(b, b.input("x", new Shape(1, 2, 2)), false, 2, 2));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            double[] n = normalize(1, 2, 3, 5);
            assertValues(forward(g.node("ln"), true,
                    m.create(new float[] {1, 2, 3, 5}, new Shape(1, 2, 2))), new Shape(1, 2, 2),
                    (float) n[0], (float) n[1], (float) n[2], (float) n[3]);
        }
    }

    @Test
    void channelsPassThroughTheLastDimensionOnlyWhenItAloneIsNormalized() {
        GraphBuilder b = builder();
        Value h = b.linear("fc", b.input("x", new Shape(2, 3, 4)), 4);
        b.output(ln(b, h, true, 4));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("ln");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(2, 4));
        }
        GraphBuilder two = builder();
        two.output(ln(two, two.linear("fc", two.input("x", new Shape(2, 3, 4)), 4), true, 3, 4));
        try (DefaultGraph g = build(two)) {
            Node node = g.node("ln");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.opaque(1, 1));
        }
    }

    @Test
    void pruningRemovesWeightAndBiasEntriesAndShrinksTheNormalizedShape() {
        GraphBuilder b = builder();
        Value y = ln(b, b.linear("fc", b.input("x", new Shape(1, 2)), 4), true, 4);
        b.output(y);
        try (DefaultGraph g = build(b)) {
            set(g, "ln", "weight", new float[] {1, 2, 3, 4}, new Shape(4));
            set(g, "ln", "bias", new float[] {5, 6, 7, 8}, new Shape(4));
            IndexSet idxs = IndexSet.of(0, 2);
            g.node("fc").op().pruneOut(editor(g, "fc"), idxs);
            g.node("ln").op().pruneIn(editor(g, "ln"), idxs);
            g.refresh();
            Node ln = g.node("ln");
            assertValues(ln.parameter("weight").array(), new Shape(2), 2, 4);
            assertValues(ln.parameter("bias").array(), new Shape(2), 6, 8);
            assertThat(ln.attributes().getLongs("normalized_shape")).containsExactly(2);
            assertThat(y.shape()).isEqualTo(new Shape(1, 2));
            assertThat(ln.op().channels(ln)).isEqualTo(ChannelSemantics.passThrough(1, 2));
        }
    }

    @Test
    void macsAreTwiceTheInputElementsWhenAffine() {
        GraphBuilder b = builder();
        b.output(ln(b, b.input("x", new Shape(1, 64)), true, 64));
        try (DefaultGraph g = build(b)) {
            assertThat(g.node("ln").op().macs(g.node("ln"))).isEqualTo(128);
        }
        GraphBuilder plain = builder();
        plain.output(ln(plain, plain.input("x", new Shape(1, 64)), false, 64));
        try (DefaultGraph g = build(plain)) {
            assertThat(g.node("ln").op().macs(g.node("ln"))).isEqualTo(64);
        }
    }
}
