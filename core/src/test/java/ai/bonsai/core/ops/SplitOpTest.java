package ai.bonsai.core.ops;

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

class SplitOpTest {

    private static List<Value> split(GraphBuilder b, Value x, int dim, long... sizes) {
        return b.node("split", "split", Attributes.of().with("dim", dim).with("sizes", sizes), x);
    }

    private static ChannelSemantics sem(DefaultGraph g) {
        return g.node("split").op().channels(g.node("split"));
    }

    @Test
    void cutsAlongPositiveOrNegativeDim() {
        GraphBuilder b = builder();
        List<Value> parts = split(b, b.input("x", new Shape(1, 6, 4)), -2, 1, 2, 3);
        b.output(parts.toArray(new Value[0]));
        try (DefaultGraph g = build(b)) {
            assertThat(parts).extracting(Value::shape).containsExactly(new Shape(1, 1, 4),
                    new Shape(1, 2, 4), new Shape(1, 3, 4));
            assertThat(g.node("split").op().macs(g.node("split"))).isZero();
        }
    }

    @Test
    void namesSizesThatDoNotAddUp() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 6));
        assertThatThrownBy(() -> split(b, x, 1, 2, 3))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'split' (split)")
                .hasMessageContaining("sizes [2, 3] must add up to 6, the length of dim 1");
    }

    @Test
    void forwardCutsValuesInOrder() {
        GraphBuilder b = builder();
        b.output(split(b, b.input("x", new Shape(2, 3)), 1, 2, 1).toArray(new Value[0]));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            Node node = g.node("split");
            NDList out = node.op().forward(node,
                    new NDList(m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3))),
                    new OpTesting.Context(false, m));
            assertThat(out).hasSize(2);
            assertValues(out.get(0), new Shape(2, 2), 1, 2, 4, 5);
            assertValues(out.get(1), new Shape(2, 1), 3, 6);
        }
    }

    @Test
    void alongTheChannelDimensionOutputsTakeConsecutiveOffsets() {
        GraphBuilder b = builder();
        List<Value> parts = split(b, b.linear("fc", b.input("x", new Shape(1, 4)), 5), 1, 2, 3);
        b.output(parts.toArray(new Value[0]));
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g)).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 5, 5,
                    List.of(ChannelSlot.at(1)),
                    List.of(new ChannelSlot(1, new IndexMapping.Offset(0, 2)),
                            new ChannelSlot(1, new IndexMapping.Offset(2, 3)))));
            assertThat(parts).extracting(Value::channelDim).containsExactly(1, 1);
        }
    }

    @Test
    void alongAnotherDimensionOutputsShareTheChannels() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 3, 4, 4)));
        b.output(split(b, x, 2, 1, 3).toArray(new Value[0]));
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g)).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 3, 3,
                    List.of(ChannelSlot.at(1)), List.of(ChannelSlot.at(1), ChannelSlot.at(1))));
            g.node("split").op().pruneOut(editor(g, "split"), IndexSet.of(0));
            assertThat(g.node("split").attributes().getLongs("sizes")).containsExactly(1, 3);
        }
    }

    @Test
    void pruningShortensThePiecesTheIndicesFallIn() {
        GraphBuilder b = builder();
        List<Value> parts = split(b, b.linear("fc", b.input("x", new Shape(1, 4)), 7), 1, 2, 3, 2);
        b.output(parts.toArray(new Value[0]));
        try (DefaultGraph g = build(b)) {
            IndexSet idxs = IndexSet.of(1, 2, 4, 6);
            g.node("fc").op().pruneOut(editor(g, "fc"), idxs);
            g.node("split").op().pruneOut(editor(g, "split"), idxs);
            g.refresh();
            assertThat(g.node("split").attributes().getLongs("sizes")).containsExactly(1, 1, 1);
            assertThat(parts).extracting(Value::shape).containsOnly(new Shape(1, 1));
            assertThat(sem(g).outputs()).containsExactly(
                    new ChannelSlot(1, new IndexMapping.Offset(0, 1)),
                    new ChannelSlot(1, new IndexMapping.Offset(1, 1)),
                    new ChannelSlot(1, new IndexMapping.Offset(2, 1)));
        }
    }

    @Test
    void refusesToEmptyAPiece() {
        GraphBuilder b = builder();
        b.output(split(b, b.linear("fc", b.input("x", new Shape(1, 4)), 5), 1, 2, 3)
                .toArray(new Value[0]));
        try (DefaultGraph g = build(b)) {
            assertThatThrownBy(() -> g.node("split").op().pruneIn(editor(g, "split"), IndexSet.of(0, 1)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 'split' (split)")
                    .hasMessageContaining("output 0");
            assertThat(g.node("split").attributes().getLongs("sizes")).containsExactly(2, 3);
        }
    }
}
