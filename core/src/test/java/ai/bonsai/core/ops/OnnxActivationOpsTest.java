package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The activations ONNX models bring: leaky_relu, hard_sigmoid, clip, erf. */
class OnnxActivationOpsTest {

    private static final float[] X = {-2f, -0.5f, 0f, 0.5f, 3f, 8f};

    private static float[] run(String op, Attributes a) {
        GraphBuilder b = builder();
        b.output(b.op(op, "op", a, b.batchNorm("bn", b.input("x", new Shape(1, 6)))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            ChannelSemantics sem = g.node("op").op().channels(g.node("op"));
            assertThat(sem).isEqualTo(ChannelSemantics.passThrough(1, 6));
            return forward(g.node("op"), false, m.create(X, new Shape(1, 6))).toFloatArray();
        }
    }

    @Test
    void leakyReluScalesNegativesAndCountsOutputElements() {
        assertThat(run("leaky_relu", Attributes.of().with("negative_slope", 0.1)))
                .containsExactly(new float[] {-0.2f, -0.05f, 0f, 0.5f, 3f, 8f},
                        org.assertj.core.data.Offset.offset(1e-6f));
        GraphBuilder b = builder();
        b.output(b.op("leaky_relu", "op", Attributes.of().with("negative_slope", 0.1),
                b.input("x", new Shape(2, 3))));
        try (DefaultGraph g = build(b)) {
            assertThat(g.node("op").op().macs(g.node("op"))).isEqualTo(6);
        }
    }

    @Test
    void hardSigmoidClampsTheAffineMap() {
        assertThat(run("hard_sigmoid", Attributes.of().with("alpha", 0.2).with("beta", 0.5)))
                .containsExactly(new float[] {0.1f, 0.4f, 0.5f, 0.6f, 1f, 1f},
                        org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void clipClampsToItsBounds() {
        assertThat(run("clip", Attributes.of().with("min", -1.0).with("max", Double.POSITIVE_INFINITY)))
                .containsExactly(-1f, -0.5f, 0f, 0.5f, 3f, 8f);
    }

    @Test
    void erfIsTheErrorFunction() {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphBuilder b = builder();
            b.output(b.unary("erf", "op", b.input("x", new Shape(3))));
            try (DefaultGraph g = build(b)) {
                assertValues(forward(g.node("op"), false, m.create(new float[] {0f, 0.5f, -1f})),
                        new Shape(3), 0f, 0.5204999f, -0.8427008f);
                assertThat(g.node("op").op().macs(g.node("op"))).isZero();
            }
        }
    }
}
