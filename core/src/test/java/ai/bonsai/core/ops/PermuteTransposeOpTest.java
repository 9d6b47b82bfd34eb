package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
import static ai.bonsai.core.ops.OpTesting.assertValues;
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
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermuteTransposeOpTest {

    private static Value permute(GraphBuilder b, String name, Value x, long... dims) {
        return b.op("permute", name, Attributes.of().with("dims", dims), x);
    }

    private static Value transpose(GraphBuilder b, String name, Value x, int dim0, int dim1) {
        return b.op("transpose", name, Attributes.of().with("dim0", dim0).with("dim1", dim1), x);
    }

    private static ChannelSemantics moved(int channels, int from, int to) {
        return new ChannelSemantics(Coupling.COUPLED, channels, channels,
                List.of(ChannelSlot.at(from)), List.of(ChannelSlot.at(to)));
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    @Test
    void permuteReordersShapeValuesAndChannelDimension() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 3, 4, 5)));
        Value y = permute(b, "p", x, 0, 2, -1, 1);
        b.output(y);
        assertThatThrownBy(() -> permute(b, "bad", x, 0, 1, 1, 2))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'bad' (permute)")
                .hasMessageContaining("repeat dimension 1");
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(y.shape()).isEqualTo(new Shape(1, 4, 5, 3));
            assertThat(sem(g, "p")).isEqualTo(moved(3, 1, 3));
            assertThat(y.channelDim()).isEqualTo(3);
            assertValues(forward(g.node("p"), false, arange(m, new Shape(1, 2, 1, 3))),
                    new Shape(1, 1, 3, 2), 0, 3, 1, 4, 2, 5);
            assertThat(g.node("p").op().macs(g.node("p"))).isZero();
        }
    }

    @Test
    void transposeSwapsTwoDimensions() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(1, 3, 4, 5)));
        Value swapped = transpose(b, "t", x, 1, -1);
        Value other = transpose(b, "o", x, 2, 3);
        b.output(swapped, other);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(swapped.shape()).isEqualTo(new Shape(1, 5, 4, 3));
            assertThat(sem(g, "t")).isEqualTo(moved(3, 1, 3));
            assertThat(sem(g, "o")).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(other.shape()).isEqualTo(new Shape(1, 3, 5, 4));
            assertValues(forward(g.node("o"), false, arange(m, new Shape(1, 1, 2, 3))),
                    new Shape(1, 1, 3, 2), 0, 3, 1, 4, 2, 5);
            assertThat(g.node("t").op().macs(g.node("t"))).isZero();
        }
    }
}
