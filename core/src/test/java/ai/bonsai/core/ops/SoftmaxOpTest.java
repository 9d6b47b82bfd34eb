package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class SoftmaxOpTest {

    private static Value softmax(GraphBuilder b, Value x, long dim) {
        return b.op("softmax", "sm", Attributes.of().with("dim", dim), x);
    }

    @Test
    void forwardNormalizesExponentialsAlongTheDimension() {
        GraphBuilder b = builder();
        b.output(softmax(b, b.input("x", new Shape(2, 2)), -1));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            double e = Math.exp(1);
            assertValues(forward(g.node("sm"), false,
                    m.create(new float[] {0, 1, 2, 2}, new Shape(2, 2))), new Shape(2, 2),
                    (float) (1 / (1 + e)), (float) (e / (1 + e)), 0.5f, 0.5f);
        }
    }

    @Test
    void channelsPassThroughUnlessTheSoftmaxRunsOverThem() {
        GraphBuilder b = builder();
        Value bn = b.batchNorm("bn", b.input("x", new Shape(1, 3, 4)));
        b.output(softmax(b, bn, 2));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("sm");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(node.op().macs(node)).isZero();
        }
        GraphBuilder over = builder();
        over.output(softmax(over, over.batchNorm("bn", over.input("x", new Shape(1, 3, 4))), 1));
        try (DefaultGraph g = build(over)) {
            Node node = g.node("sm");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.opaque(1, 1));
        }
    }
}
