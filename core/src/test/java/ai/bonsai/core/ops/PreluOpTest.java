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

class PreluOpTest {

    private static Value prelu(GraphBuilder b, Value x, long n) {
        return b.op("prelu", "act", Attributes.of().with("num_parameters", n), x);
    }

    @Test
    void declaresOneSlopePerParameterAndRejectsAMismatchedCount() {
        GraphBuilder b = builder();
        b.output(prelu(b, b.input("x", new Shape(2, 3, 4)), 3));
        try (DefaultGraph g = build(b)) {
            assertValues(g.parameters().get("act.weight").array(), new Shape(3), 1, 1, 1);
            assertThat(g.node("act").output().shape()).isEqualTo(new Shape(2, 3, 4));
        }
        GraphBuilder bad = builder();
        Value x = bad.input("x", new Shape(2, 3, 4));
        assertThatThrownBy(() -> prelu(bad, x, 4))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'act' (prelu)")
                .hasMessageContaining("num_parameters 4 must be 1 or the size of dimension 1");
    }

    @Test
    void forwardScalesNegativeValuesByTheirChannelsSlope() {
        GraphBuilder b = builder();
        b.output(prelu(b, b.input("x", new Shape(1, 2, 2)), 2));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            set(g, "act", "weight", new float[] {0.25f, 2}, new Shape(2));
            assertValues(forward(g.node("act"), false,
                    m.create(new float[] {-4, 3, -1, 5}, new Shape(1, 2, 2))),
                    new Shape(1, 2, 2), -1, 3, -2, 5);
        }
    }

    @Test
    void forwardWithASharedSlope() {
        GraphBuilder b = builder();
        b.output(prelu(b, b.input("x", new Shape(1, 3)), 1));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            set(g, "act", "weight", new float[] {0.5f}, new Shape(1));
            assertValues(forward(g.node("act"), false,
                    m.create(new float[] {-4, 0, 2}, new Shape(1, 3))), new Shape(1, 3), -2, 0, 2);
        }
    }

    @Test
    void pruningPerChannelSlopesRemovesThem() {
        GraphBuilder b = builder();
        b.output(prelu(b, b.conv2d("conv", b.input("x", new Shape(1, 2, 3, 3)), 3, 1, 1, 0), 3));
        try (DefaultGraph g = build(b)) {
            set(g, "act", "weight", new float[] {1, 2, 3}, new Shape(3));
            Node node = g.node("act");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
            IndexSet idxs = IndexSet.of(0);
            g.node("conv").op().pruneOut(editor(g, "conv"), idxs);
            node.op().pruneIn(editor(g, "act"), idxs);
            g.refresh();
            assertValues(node.parameter("weight").array(), new Shape(2), 2, 3);
            assertThat(node.attributes().getLong("num_parameters")).isEqualTo(2);
            assertThat(node.output().shape()).isEqualTo(new Shape(1, 2, 3, 3));
        }
    }

    @Test
    void aSharedSlopePassesTheInputsChannelsAndIsKeptWhenPruning() {
        GraphBuilder b = builder();
        b.output(prelu(b, b.linear("fc", b.input("x", new Shape(2, 4)), 3), 1));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("act");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
            IndexSet idxs = IndexSet.of(2);
            g.node("fc").op().pruneOut(editor(g, "fc"), idxs);
            node.op().pruneIn(editor(g, "act"), idxs);
            g.refresh();
            assertThat(node.parameter("weight").shape()).isEqualTo(new Shape(1));
            assertThat(node.output().shape()).isEqualTo(new Shape(2, 2));
        }
    }

    @Test
    void macsAreTheOutputElements() {
        GraphBuilder b = builder();
        b.output(prelu(b, b.input("x", new Shape(2, 3, 4, 4)), 3));
        try (DefaultGraph g = build(b)) {
            assertThat(g.node("act").op().macs(g.node("act"))).isEqualTo(96);
        }
    }
}
