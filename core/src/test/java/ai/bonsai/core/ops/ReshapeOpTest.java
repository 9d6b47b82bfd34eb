package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
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
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReshapeOpTest {

    private static Value reshape(GraphBuilder b, String name, Value x, long... shape) {
        return b.op("reshape", name, Attributes.of().with("shape", shape), x);
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    @Test
    void infersTheFreeLengthAndKeepsTheBatch() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 4, 5));
        Value y = reshape(b, "r", x, -1, 3, -1);
        b.output(y);
        assertThatThrownBy(() -> reshape(b, "batch", x, 4, 3, -1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'batch' (reshape)")
                .hasMessageContaining("must keep the batch dimension 2");
        assertThatThrownBy(() -> reshape(b, "folded", x, 4, 3, 20))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'folded' (reshape)")
                .hasMessageContaining("does not hold the 120 elements");
        assertThatThrownBy(() -> reshape(b, "size", x, 2, 7, -1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("does not hold the 120 elements");
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(y.shape()).isEqualTo(new Shape(2, 3, 20));
            NDArray out = forward(g.node("r"), false, arange(m, new Shape(3, 3, 4, 5)));
            assertThat(out.getShape()).isEqualTo(new Shape(3, 3, 20));
            assertThat(out.toFloatArray()).containsExactly(arange(m, new Shape(180)).toFloatArray());
            assertThat(g.node("r").op().macs(g.node("r"))).isZero();
        }
    }

    @Test
    void untouchedChannelsPassThroughAtTheirNewPosition() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(2, 3, 4, 5)));
        Value merged = reshape(b, "merged", x, 2, 3, 20);
        Value tokens = b.linear("fc", b.input("t", new Shape(2, 4, 5, 6)), 8);
        Value split = reshape(b, "split", tokens, 2, 2, 10, 8);
        b.output(merged, split);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "merged")).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(sem(g, "split")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 8, 8,
                    List.of(ChannelSlot.at(3)), List.of(ChannelSlot.at(3))));
            g.node("split").op().pruneOut(editor(g, "split"), IndexSet.of(0, 5));
            assertThat(g.node("split").attributes().getLongs("shape")).containsExactly(2, 2, 10, 6);
        }
    }

    @Test
    void flattenLikeMergeExpandsChannelsAndMergingChannelsWithTimeBlocks() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(2, 3, 4, 5)));
        Value flat = reshape(b, "flat", x, -1, 60);
        Value tokens = b.linear("fc", b.input("t", new Shape(2, 4, 8)), 8);
        Value merged = reshape(b, "merged", tokens, 2, 32);
        b.output(flat, merged);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "flat")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 60, 60,
                    List.of(new ChannelSlot(1, new IndexMapping.Expansion(20))),
                    List.of(ChannelSlot.at(1))));
            assertThat(flat.channelDim()).isEqualTo(1);
            assertThat(sem(g, "merged")).isEqualTo(ChannelSemantics.opaque(1, 1));
            g.node("flat").op().pruneOut(editor(g, "flat"), IndexSet.range(20));
            assertThat(g.node("flat").attributes().getLongs("shape")).containsExactly(-1, 40);
        }
    }

    @Test
    void splittingChannelsIntoHeadsMakesHeadsTheOutputChannels() {
        GraphBuilder b = builder();
        Value tokens = b.linear("fc", b.input("t", new Shape(2, 5, 8)), 8);
        Value split = reshape(b, "heads", tokens, 2, 5, 4, 2);
        b.output(split);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "heads")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 8, 8,
                    List.of(ChannelSlot.at(2)), List.of(new ChannelSlot(2, new IndexMapping.Expansion(2)))));
            assertThat(split.channelDim()).isEqualTo(2);
            assertThatThrownBy(() -> g.node("heads").op().pruneOut(editor(g, "heads"), IndexSet.of(2, 4)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("node 'heads' (reshape): it splits channels into groups of 2, the removed"
                            + " channels [2, 4] are not whole groups");
            g.node("heads").op().pruneOut(editor(g, "heads"), IndexSet.of(2, 3, 6, 7));
            assertThat(g.node("heads").attributes().getLongs("shape")).containsExactly(2, 5, 2, 2);
        }
    }

    @Test
    void aBatchOfOneIsNotMistakenForHeads() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 6, 4)));
        Value same = reshape(b, "same", x, -1, 6, 4);
        b.output(same);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "same")).isEqualTo(ChannelSemantics.passThrough(1, 6));
        }
    }

    @Test
    void windowsFoldIntoTheBatchAndBackWithTheChannelsLast() {
        GraphBuilder b = builder();
        Value x = b.linear("fc", b.input("x", new Shape(1, 2, 2, 2, 2, 6)), 6);
        Value windows = reshape(b, "partition", x, 4, 4, 6);
        Value back = reshape(b, "reverse", windows, -1, 2, 2, 2, 2, 6);
        b.output(back);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(windows.shape()).isEqualTo(new Shape(4, 4, 6));
            assertThat(back.shape()).isEqualTo(new Shape(1, 2, 2, 2, 2, 6));
            assertThat(sem(g, "partition")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 6, 6,
                    List.of(ChannelSlot.at(5)), List.of(ChannelSlot.at(2))));
            assertThat(sem(g, "reverse")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 6, 6,
                    List.of(ChannelSlot.at(2)), List.of(ChannelSlot.at(5))));
            NDArray folded = forward(g.node("partition"), false, arange(m, new Shape(3, 2, 2, 2, 2, 6)));
            assertThat(folded.getShape()).isEqualTo(new Shape(12, 4, 6));
            assertThat(forward(g.node("reverse"), false, folded).getShape()).isEqualTo(new Shape(3, 2, 2, 2, 2, 6));
            g.node("partition").op().pruneOut(editor(g, "partition"), IndexSet.of(1, 4));
            assertThat(g.node("partition").attributes().getLongs("shape")).containsExactly(4, 4, 4);
        }
    }
}
