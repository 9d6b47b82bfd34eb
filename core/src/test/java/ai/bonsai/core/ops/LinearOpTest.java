package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static ai.bonsai.core.ops.OpTesting.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

class LinearOpTest {

    @Test
    void declaresPyTorchParametersAndInfersLastDimShape() {
        GraphBuilder b = builder();
        Value y = b.linear("fc", b.input("x", new Shape(2, 3, 4)), 5);
        b.output(y);
        try (DefaultGraph g = build(b)) {
            assertThat(y.shape()).isEqualTo(new Shape(2, 3, 5));
            assertThat(y.channelDim()).isEqualTo(2);
            assertThat(g.parameters()).containsOnlyKeys("fc.weight", "fc.bias");
            assertThat(g.parameters().get("fc.weight").shape()).isEqualTo(new Shape(5, 4));
            assertThat(g.parameters().get("fc.bias").shape()).isEqualTo(new Shape(5));
            assertThat(g.parameters().get("fc.weight").array().abs().max().getFloat())
                    .isLessThanOrEqualTo(0.5f);
            assertThat(g.parameters().get("fc.weight").trainable()).isTrue();
        }
    }

    @Test
    void forwardIsXTimesWeightTransposedPlusBias() {
        GraphBuilder b = builder();
        b.output(b.linear("fc", b.input("x", new Shape(2, 2)), 3));
        b.output(b.linear("nobias", b.input("x2", new Shape(2, 2)), 3, false));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            float[] w = {1, 0, 0, 1, 1, 1};
            set(g, "fc", "weight", w, new Shape(3, 2));
            set(g, "fc", "bias", new float[] {0.5f, -1, 2}, new Shape(3));
            set(g, "nobias", "weight", w, new Shape(3, 2));
            float[] x = {1, 2, 3, 4};
            assertValues(forward(g.node("fc"), false, m.create(x, new Shape(2, 2))),
                    new Shape(2, 3), 1.5f, 1, 5, 3.5f, 3, 9);
            assertValues(forward(g.node("nobias"), false, m.create(x, new Shape(2, 2))),
                    new Shape(2, 3), 1, 2, 3, 3, 4, 7);
        }
    }

    @Test
    void inputAndOutputFeaturesAreIndependent() {
        GraphBuilder b = builder();
        b.output(b.linear("fc", b.input("x", new Shape(2, 3, 4)), 5));
        try (DefaultGraph g = build(b)) {
            Node fc = g.node("fc");
            assertThat(fc.op().channels(fc)).isEqualTo(ChannelSemantics.independent(2, 4, 2, 5));
        }
    }

    @Test
    void pruneOutRemovesRowsAndBiasAndPruneInRemovesColumns() {
        GraphBuilder b = builder();
        Value h = b.linear("fc1", b.input("x", new Shape(2, 4)), 5);
        Value y = b.linear("fc2", h, 3);
        b.output(y);
        try (DefaultGraph g = build(b)) {
            float[] w1 = new float[20];
            for (int i = 0; i < w1.length; i++) {
                w1[i] = i;
            }
            set(g, "fc1", "weight", w1, new Shape(5, 4));
            set(g, "fc1", "bias", new float[] {10, 11, 12, 13, 14}, new Shape(5));
            float[] w2 = new float[15];
            for (int i = 0; i < w2.length; i++) {
                w2[i] = 100 + i;
            }
            set(g, "fc2", "weight", w2, new Shape(3, 5));
            IndexSet idxs = IndexSet.of(1, 3);
            g.node("fc1").op().pruneOut(editor(g, "fc1"), idxs);
            g.node("fc2").op().pruneIn(editor(g, "fc2"), idxs);
            g.refresh();

            Node fc1 = g.node("fc1");
            assertValues(fc1.parameter("weight").array(), new Shape(3, 4),
                    0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19);
            assertValues(fc1.parameter("bias").array(), new Shape(3), 10, 12, 14);
            assertThat(fc1.attributes().getLong("out_features")).isEqualTo(3);
            assertValues(g.node("fc2").parameter("weight").array(), new Shape(3, 3),
                    100, 102, 104, 105, 107, 109, 110, 112, 114);
            assertThat(g.node("fc2").attributes().getLong("out_features")).isEqualTo(3);
            assertThat(h.shape()).isEqualTo(new Shape(2, 3));
            assertThat(y.shape()).isEqualTo(new Shape(2, 3));
        }
    }

    @Test
    void macsCountInputElementsTimesOutFeaturesPlusBias() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 4));
        b.output(b.linear("fc", x, 5), b.linear("nobias", x, 5, false));
        try (DefaultGraph g = build(b)) {
            assertThat(g.node("fc").op().macs(g.node("fc"))).isEqualTo(24 * 5 + 5);
            assertThat(g.node("nobias").op().macs(g.node("nobias"))).isEqualTo(24 * 5);
        }
    }

    @Test
    void rejectsRankOneInputAndNamesMismatchedFeatures() {
        GraphBuilder b = builder();
        assertThatThrownBy(() -> b.linear("fc", b.input("x", new Shape(4)), 5))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'fc' (linear)")
                .hasMessageContaining("input must have rank >= 2, found (4)");
        GraphBuilder b2 = builder();
        b2.output(b2.linear("fc", b2.input("x", new Shape(2, 4)), 5));
        try (DefaultGraph g = build(b2)) {
            g.node("fc").op().pruneIn(editor(g, "fc"), IndexSet.of(0));
            assertThatThrownBy(g::refresh)
                    .isInstanceOf(GraphException.class)
                    .hasMessageContaining("node 'fc' (linear)")
                    .hasMessageContaining("input (2, 4) has 4 features, weight (5, 3) expects 3");
        }
    }
}
