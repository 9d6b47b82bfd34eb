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
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PadOpTest {

    private static Value pad(GraphBuilder b, Value x, String mode, long... pads) {
        return b.op("pad", "pad", Attributes.of().with("pads", pads).with("mode", mode)
                .with("value", -1.0), x);
    }

    @Test
    void padsTheLastDimensionsFirstInPyTorchOrder() {
        GraphBuilder b = builder();
        Value y = pad(b, b.input("x", new Shape(1, 2, 2)), "constant", 1, 0, 0, 1);
        b.output(y);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(y.shape()).isEqualTo(new Shape(1, 3, 3));
            assertValues(forward(g.node("pad"), false, arange(m, new Shape(1, 2, 2))),
                    new Shape(1, 3, 3), -1, 0, 1, -1, 2, 3, -1, -1, -1);
        }
    }

    @Test
    void rejectsOtherModesAndMalformedPads() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 2, 2));
        assertThatThrownBy(() -> pad(b, x, "reflect", 1, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'pad' (pad)")
                .hasMessageContaining("mode 'reflect' is not supported");
        GraphBuilder odd = builder();
        Value y = odd.input("x", new Shape(1, 2, 2));
        assertThatThrownBy(() -> pad(odd, y, "constant", 1, 1, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("must hold a (left, right) pair");
    }

    @Test
    void channelsPassThroughUnlessTheChannelDimensionIsPadded() {
        GraphBuilder b = builder();
        b.output(pad(b, b.batchNorm("bn", b.input("x", new Shape(1, 3, 4, 4))), "constant",
                1, 1, 2, 2, 0, 0));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("pad");
            assertThat(node.output().shape()).isEqualTo(new Shape(1, 3, 8, 6));
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(node.op().macs(node)).isZero();
        }
        GraphBuilder over = builder();
        over.output(pad(over, over.batchNorm("bn", over.input("x", new Shape(1, 3, 4))),
                "constant", 0, 0, 0, 1));
        try (DefaultGraph g = build(over)) {
            Node node = g.node("pad");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.opaque(1, 1));
        }
    }
}
