package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
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
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class SliceOpTest {

    private static Value slice(GraphBuilder b, String name, Value x, int dim, long start, long end,
            long step) {
        return b.op("slice", name, Attributes.of().with("dim", dim).with("start", start)
                .with("end", end).with("step", step), x);
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    @Test
    void shapesFollowBoundsStepAndClamping() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 6, 4));
        Value plain = slice(b, "plain", x, 1, 1, 5, 1);
        Value strided = slice(b, "strided", x, 2, 0, 4, 3);
        Value clamped = slice(b, "clamped", x, -1, -3, Long.MAX_VALUE, 1);
        Value noStep = b.op("slice", "nostep",
                Attributes.of().with("dim", 1).with("start", 4).with("end", 6), x);
        b.output(plain, strided, clamped, noStep);
        try (DefaultGraph g = build(b)) {
            assertThat(plain.shape()).isEqualTo(new Shape(2, 4, 4));
            assertThat(strided.shape()).isEqualTo(new Shape(2, 6, 2));
            assertThat(clamped.shape()).isEqualTo(new Shape(2, 6, 3));
            assertThat(noStep.shape()).isEqualTo(new Shape(2, 2, 4));
            assertThat(g.node("plain").op().macs(g.node("plain"))).isZero();
        }
    }

    @Test
    void rejectsAnEmptySlice() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 6));
        assertThatThrownBy(() -> slice(b, "empty", x, 1, 4, 4, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'empty' (slice)")
                .hasMessageContaining("is empty");
    }

    @Test
    void forwardKeepsTheSteppedRange() {
        GraphBuilder b = builder();
        b.output(slice(b, "s", b.input("x", new Shape(2, 5)), 1, 1, 4, 2));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertValues(forward(g.node("s"), false, arange(m, new Shape(2, 5))),
                    new Shape(2, 2), 1, 3, 6, 8);
        }
    }

    @Test
    void channelSliceIsAnOffsetOfTheInputChannels() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 6, 4, 4)));
        Value y = slice(b, "chan", x, 1, 2, 5, 1);
        b.output(y, slice(b, "space", x, 2, 0, 2, 1), slice(b, "strided", x, 1, 0, 6, 2));
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "chan")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 6, 6,
                    List.of(ChannelSlot.at(1)),
                    List.of(new ChannelSlot(1, new IndexMapping.Offset(2, 3)))));
            assertThat(y.channelDim()).isEqualTo(1);
            assertThat(sem(g, "space")).isEqualTo(ChannelSemantics.passThrough(1, 6));
            assertThat(sem(g, "strided")).isEqualTo(ChannelSemantics.opaque(1, 1));
        }
    }

    @Test
    void pruningMovesTheBounds() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 8, 4, 4)));
        b.output(slice(b, "s", x, 1, 2, 6, 1));
        try (DefaultGraph g = build(b)) {
            g.node("s").op().pruneOut(editor(g, "s"), IndexSet.of(0, 3, 7));
            assertThat(g.node("s").attributes().getLong("start")).isEqualTo(1);
            assertThat(g.node("s").attributes().getLong("end")).isEqualTo(4);
            assertThatThrownBy(() -> g.node("s").op().pruneIn(editor(g, "s"), IndexSet.of(1, 2, 3)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 's' (slice)");
        }
    }
}
