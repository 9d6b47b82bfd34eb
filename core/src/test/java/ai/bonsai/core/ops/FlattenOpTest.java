package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlattenOpTest {

    private static Value flatten(GraphBuilder b, String name, Value x, int start, int end) {
        return b.op("flatten", name, Attributes.of().with("start_dim", start).with("end_dim", end), x);
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    @Test
    void mergesTheInclusiveRange() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 4, 5));
        Value all = b.flatten("all", x);
        Value middle = flatten(b, "middle", x, 1, 2);
        Value negative = flatten(b, "negative", x, -2, -1);
        Value single = flatten(b, "single", x, 0, 0);
        b.output(all, middle, negative, single);
        try (DefaultGraph g = build(b)) {
            assertThat(all.shape()).isEqualTo(new Shape(2, 60));
            assertThat(middle.shape()).isEqualTo(new Shape(2, 12, 5));
            assertThat(negative.shape()).isEqualTo(new Shape(2, 3, 20));
            assertThat(single.shape()).isEqualTo(new Shape(2, 3, 4, 5));
            assertThat(g.node("all").op().macs(g.node("all"))).isZero();
        }
    }

    @Test
    void rejectsAReversedOrOutOfRangeRange() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 4));
        assertThatThrownBy(() -> flatten(b, "rev", x, 2, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'rev' (flatten)")
                .hasMessageContaining("start_dim 2 comes after end_dim 1 for rank 3");
        assertThatThrownBy(() -> flatten(b, "far", x, 1, 3))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("end_dim 3 is out of range for rank 3");
    }

    @Test
    void forwardKeepsRowMajorOrderAndFollowsTheActualBatch() {
        GraphBuilder b = builder();
        b.output(b.flatten("flat", b.input("x", new Shape(1, 2, 2, 2))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            NDArray y = forward(g.node("flat"), false, arange(m, new Shape(3, 2, 2, 2)));
            assertThat(y.getShape()).isEqualTo(new Shape(3, 8));
            assertThat(y.toFloatArray()).containsExactly(arange(m, new Shape(24)).toFloatArray());
        }
    }

    @Test
    void channelAtStartExpandsIntoTheFlattenedFeatures() {
        GraphBuilder b = builder();
        Value y = b.flatten("flat", b.batchNorm("bn", b.input("x", new Shape(2, 3, 4, 5))));
        b.output(y);
        try (DefaultGraph g = build(b)) {
            ChannelSemantics s = sem(g, "flat");
            assertThat(s).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 60, 60,
                    List.of(new ChannelSlot(1, new IndexMapping.Expansion(20))),
                    List.of(ChannelSlot.at(1))));
            List<Integer> covered = new ArrayList<>();
            s.inputs().get(0).mapping().toSpace(1, covered::add);
            assertThat(covered).hasSize(20).startsWith(20).endsWith(39);
            assertThat(y.channelDim()).isEqualTo(1);
        }
    }

    @Test
    void channelOutsideTheRangePassesThroughShifted() {
        GraphBuilder b = builder();
        Value norm = b.batchNorm("bn", b.input("x", new Shape(2, 3, 4, 5)));
        Value after = flatten(b, "after", norm, 2, 3);
        Value features = b.linear("fc", b.input("t", new Shape(2, 3, 4, 5)), 6);
        Value before = flatten(b, "before", features, 0, 2);
        b.output(after, before);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "after")).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(sem(g, "before")).isEqualTo(ChannelSemantics.passThrough(1, 6));
            assertThat(before.shape()).isEqualTo(new Shape(24, 6));
            assertThat(before.channelDim()).isEqualTo(1);
        }
    }

    @Test
    void channelInsideTheRangeBlocksAndNoChannelGivesNone() {
        GraphBuilder b = builder();
        Value inside = flatten(b, "inside", b.batchNorm("bn", b.input("x", new Shape(2, 3, 4))), 0, 2);
        Value raw = b.flatten("raw", b.input("r", new Shape(2, 3, 4)));
        b.output(inside, raw);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "inside")).isEqualTo(ChannelSemantics.opaque(1, 1));
            assertThat(sem(g, "raw")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 0, 0,
                    List.of(ChannelSlot.NONE), List.of(ChannelSlot.NONE)));
            assertThat(raw.channelDim()).isEqualTo(-1);
        }
    }
}
