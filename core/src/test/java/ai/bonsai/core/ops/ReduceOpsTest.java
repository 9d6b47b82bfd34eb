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
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mean} and {@code sum}. */
class ReduceOpsTest {

    private static Value reduce(GraphBuilder b, String op, Value x, boolean keep, long... dims) {
        return b.op(op, "r", Attributes.of().with("dims", dims).with("keepdim", keep), x);
    }

    @Test
    void shapesDropOrKeepTheReducedDimensions() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 4, 5));
        Value dropped = reduce(b, "mean", x, false, -1, 2);
        Value kept = b.op("sum", "s", Attributes.of().with("dims", new long[] {0, 3})
                .with("keepdim", true), x);
        assertThat(dropped.shape()).isEqualTo(new Shape(2, 3));
        assertThat(kept.shape()).isEqualTo(new Shape(1, 3, 4, 1));
        GraphBuilder twice = builder();
        Value z = twice.input("x", new Shape(2, 3, 4, 5));
        assertThatThrownBy(() -> reduce(twice, "sum", z, false, 1, -3))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'r' (sum)")
                .hasMessageContaining("names a dimension twice");
    }

    @Test
    void forwardReducesOneDimensionAtATime() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 2, 3));
        b.output(reduce(b, "mean", x, false, 0, 2),
                b.op("sum", "s", Attributes.of().with("dims", new long[] {1, 2})
                        .with("keepdim", true), x));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            // x[n][h][w] = 6n + 3h + w
            assertValues(forward(g.node("r"), false, arange(m, new Shape(2, 2, 3))),
                    new Shape(2), 4, 7);
            assertValues(forward(g.node("s"), false, arange(m, new Shape(2, 2, 3))),
                    new Shape(2, 1, 1), 15, 51);
        }
    }

    @Test
    void channelsPassThroughShiftedWhenEarlierDimensionsAreDropped() {
        GraphBuilder b = builder();
        Value h = b.linear("fc", b.input("x", new Shape(2, 3, 4)), 5);
        b.output(reduce(b, "mean", h, false, 1));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("r");
            assertThat(node.op().channels(node)).isEqualTo(new ChannelSemantics(
                    Coupling.COUPLED, 5, 5, List.of(ChannelSlot.at(2)), List.of(ChannelSlot.at(1))));
            assertThat(node.output().channelDim()).isEqualTo(1);
            assertThat(node.op().macs(node)).isZero();
            IndexSet idxs = IndexSet.of(0, 4);
            g.node("fc").op().pruneOut(editor(g, "fc"), idxs);
            node.op().pruneIn(editor(g, "r"), idxs);
            g.refresh();
            assertThat(node.output().shape()).isEqualTo(new Shape(2, 3));
        }
        GraphBuilder kept = builder();
        Value bn = kept.batchNorm("bn", kept.input("x", new Shape(2, 3, 4, 4)));
        kept.output(reduce(kept, "sum", bn, true, 2, 3));
        try (DefaultGraph g = build(kept)) {
            Node node = g.node("r");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
        }
    }

    @Test
    void reducingTheChannelDimensionIsOpaque() {
        GraphBuilder b = builder();
        b.output(reduce(b, "sum", b.batchNorm("bn", b.input("x", new Shape(2, 3, 4))), false, 1));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("r");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.opaque(1, 1));
        }
    }
}
