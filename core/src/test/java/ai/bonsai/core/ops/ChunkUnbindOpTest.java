package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkUnbindOpTest {

    private static List<Value> chunk(GraphBuilder b, String name, Value x, int chunks, int dim) {
        return b.node("chunk", name, Attributes.of().with("chunks", chunks).with("dim", dim), x);
    }

    private static List<Value> unbind(GraphBuilder b, String name, Value x, int dim) {
        return b.node("unbind", name, Attributes.of().with("dim", dim), x);
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    private static NDList run(DefaultGraph g, String name, NDManager m, Shape shape) {
        Node node = g.node(name);
        return node.op().forward(node, new NDList(arange(m, shape)), new OpTesting.Context(false, m));
    }

    @Test
    void chunkCutsEqualPiecesAndRejectsUnevenLengths() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 6));
        List<Value> parts = chunk(b, "c", x, 3, -1);
        b.output(parts.toArray(new Value[0]));
        assertThatThrownBy(() -> chunk(b, "uneven", x, 4, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'uneven' (chunk)")
                .hasMessageContaining("chunks 4 must be positive and divide 6");
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(parts).extracting(Value::shape).containsOnly(new Shape(2, 2));
            NDList out = run(g, "c", m, new Shape(2, 6));
            assertThat(out).hasSize(3);
            assertValues(out.get(1), new Shape(2, 2), 2, 3, 8, 9);
            assertThat(g.node("c").op().macs(g.node("c"))).isZero();
        }
    }

    @Test
    void chunkAlongChannelsTakesOffsetsAndStaysEqual() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 6, 2, 2)));
        List<Value> parts = chunk(b, "c", x, 2, 1);
        List<Value> rows = chunk(b, "rows", x, 2, 2);
        b.output(parts.get(0), parts.get(1), rows.get(0), rows.get(1));
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "c")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 6, 6,
                    List.of(ChannelSlot.at(1)),
                    List.of(new ChannelSlot(1, new IndexMapping.Offset(0, 3)),
                            new ChannelSlot(1, new IndexMapping.Offset(3, 3)))));
            assertThat(sem(g, "rows").outputs()).containsExactly(ChannelSlot.at(1), ChannelSlot.at(1));
            g.node("c").op().pruneOut(editor(g, "c"), IndexSet.of(1, 4));
            assertThatThrownBy(() -> g.node("c").op().pruneIn(editor(g, "c"), IndexSet.of(0, 1, 3)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 'c' (chunk)")
                    .hasMessageContaining("[1, 2]");
        }
    }

    @Test
    void unbindRemovesTheDimensionAndShiftsTheChannels() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 4, 3, 2)));
        List<Value> before = unbind(b, "before", x, 0);
        List<Value> after = unbind(b, "after", x, -1);
        List<Value> channels = unbind(b, "channels", x, 1);
        b.output(before.get(0), after.get(0), after.get(1), channels.get(0));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(after).extracting(Value::shape).containsOnly(new Shape(1, 4, 3));
            assertThat(channels).hasSize(4);
            assertThat(sem(g, "before")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 4, 4,
                    List.of(ChannelSlot.at(1)), List.of(ChannelSlot.at(0))));
            assertThat(before.get(0).channelDim()).isZero();
            assertThat(sem(g, "after").outputs()).containsOnly(ChannelSlot.at(1));
            assertThat(sem(g, "channels")).isEqualTo(ChannelSemantics.opaque(1, 4));
            NDList out = run(g, "after", m, new Shape(1, 2, 2, 2));
            assertValues(out.get(1), new Shape(1, 2, 2), 1, 3, 5, 7);
            assertThat(g.node("after").op().macs(g.node("after"))).isZero();
        }
    }
}
