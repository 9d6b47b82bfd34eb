package ai.bonsai.core.ops;

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
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpandMatmulOpTest {

    private static Value expand(GraphBuilder b, String name, Value x, long... shape) {
        return b.op("expand", name, Attributes.of().with("shape", shape), x);
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    @Test
    void expandBroadcastsLengthOneAndAddsLeadingDimensions() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 1, 3));
        Value y = expand(b, "e", x, 4, -1, 2, 3);
        b.output(y);
        assertThatThrownBy(() -> expand(b, "bad", x, 2, 1, 4))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'bad' (expand)")
                .hasMessageContaining("cannot expand dimension 2 of length 3");
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(y.shape()).isEqualTo(new Shape(4, 2, 2, 3));
            assertValues(forward(g.node("e"), false,
                    m.create(new float[] {1, 2, 3}, new Shape(1, 1, 3))).get(new NDIndex("0")),
                    new Shape(1, 2, 3), 1, 2, 3, 1, 2, 3);
            assertThat(g.node("e").op().macs(g.node("e"))).isZero();
        }
    }

    @Test
    void expandPassesChannelsUnlessItBroadcastsThem() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 3, 1, 1)));
        Value y = expand(b, "e", x, 1, 3, 4, 4);
        Value single = b.batchNorm("one", b.input("s", new Shape(1, 1, 4)));
        Value wide = expand(b, "wide", single, -1, 5, -1);
        b.output(y, wide);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "e")).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(sem(g, "wide")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 0, 0,
                    List.of(ChannelSlot.NONE), List.of(ChannelSlot.NONE)));
            assertThat(wide.channelDim()).isEqualTo(-1);
            g.node("e").op().pruneOut(editor(g, "e"), IndexSet.of(1));
            assertThat(g.node("e").attributes().getLongs("shape")).containsExactly(1, 2, 4, 4);
        }
    }

    @Test
    void matmulMultipliesBroadcastBatchesAndBlocksChannels() {
        GraphBuilder b = builder();
        Value a = b.linear("fa", b.input("a", new Shape(2, 3, 4)), 5);
        Value c = b.input("c", new Shape(1, 5, 6));
        Value y = b.op("matmul", "mm", Attributes.of(), a, c);
        b.output(y);
        assertThatThrownBy(() -> b.op("matmul", "bad", Attributes.of(), a, a))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'bad' (matmul)")
                .hasMessageContaining("inner dimensions");
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(y.shape()).isEqualTo(new Shape(2, 3, 6));
            assertThat(sem(g, "mm")).isEqualTo(ChannelSemantics.opaque(2, 1));
            assertThat(g.node("mm").op().macs(g.node("mm"))).isZero();
            assertValues(forward(g.node("mm"), false,
                    m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 2)),
                    m.create(new float[] {5, 6, 7, 8}, new Shape(1, 2, 2))),
                    new Shape(1, 2, 2), 19, 22, 43, 50);
        }
    }
}
