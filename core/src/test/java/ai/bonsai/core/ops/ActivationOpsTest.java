package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationOpsTest {

    private static final float[] X = {-4, -1, -0.5f, 0, 0.5f, 1, 3, 7};

    /** x * Phi(x) at X, from the erf form (the tanh approximation is off by 1.5e-4 at +-1). */
    private static final float[] GELU = {-0.00012668497f, -0.15865525f, -0.15426877f, 0,
        0.34573123f, 0.84134475f, 2.9959503f, 7};

    static Stream<Arguments> activations() {
        return Stream.of(
                Arguments.of("relu", (DoubleUnaryOperator) x -> Math.max(x, 0), true),
                Arguments.of("relu6", (DoubleUnaryOperator) x -> Math.min(Math.max(x, 0), 6), true),
                Arguments.of("gelu", null, true),
                Arguments.of("silu", (DoubleUnaryOperator) x -> x / (1 + Math.exp(-x)), false),
                Arguments.of("sigmoid", (DoubleUnaryOperator) x -> 1 / (1 + Math.exp(-x)), false),
                Arguments.of("tanh", (DoubleUnaryOperator) Math::tanh, false),
                Arguments.of("hardswish",
                        (DoubleUnaryOperator) x -> x * Math.min(Math.max(x + 3, 0), 6) / 6, false));
    }

    @ParameterizedTest
    @MethodSource("activations")
    void forwardMatchesHandComputation(String op, DoubleUnaryOperator f, boolean counted) {
        GraphBuilder b = builder();
        b.output(b.unary(op, "act", b.input("x", new Shape(2, 4))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            float[] expected = GELU;
            if (f != null) {
                expected = new float[X.length];
                for (int i = 0; i < X.length; i++) {
                    expected[i] = (float) f.applyAsDouble(X[i]);
                }
            }
            NDArray y = forward(g.node("act"), false, m.create(X, new Shape(2, 4)));
            assertValues(y, new Shape(2, 4), expected);
        }
    }

    @ParameterizedTest
    @MethodSource("activations")
    void macsFollowTorchPruningCounter(String op, DoubleUnaryOperator f, boolean counted) {
        GraphBuilder b = builder();
        b.output(b.unary(op, "act", b.input("x", new Shape(2, 3, 4, 5))));
        try (DefaultGraph g = build(b)) {
            Node act = g.node("act");
            assertThat(act.op().macs(act)).isEqualTo(counted ? 120 : 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "relu6", "gelu", "silu", "sigmoid", "tanh", "hardswish"})
    void channelsPassThroughAlongTheInputChannelDimension(String op) {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 4, 4));
        Value afterNorm = b.unary(op, "a1", b.batchNorm("bn", x));
        Value afterLinear = b.unary(op, "a2", b.linear("fc", b.input("t", new Shape(2, 7, 4)), 6));
        Value raw = b.unary(op, "a3", x);
        b.output(afterNorm, afterLinear, raw);
        try (DefaultGraph g = build(b)) {
            assertThat(afterNorm.shape()).isEqualTo(new Shape(2, 3, 4, 4));
            assertThat(afterNorm.channelDim()).isEqualTo(1);
            assertThat(sem(g, "a1")).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(afterLinear.channelDim()).isEqualTo(2);
            assertThat(sem(g, "a2")).isEqualTo(ChannelSemantics.passThrough(2, 6));
            assertThat(raw.channelDim()).isEqualTo(-1);
            assertThat(sem(g, "a3")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 0, 0,
                    List.of(ChannelSlot.NONE), List.of(ChannelSlot.NONE)));
        }
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    @Test
    void composedActivationsStayDifferentiable() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(4));
        b.output(b.unary("hardswish", "hs", x), b.unary("silu", "silu", x));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            float[] in = {-4, -1, 0.5f, 4};
            NDArray a = m.create(in);
            NDArray c = m.create(in);
            a.setRequiresGradient(true);
            c.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(forward(g.node("hs"), true, a).sum());
                gc.backward(forward(g.node("silu"), true, c).sum());
            }
            assertValues(a.getGradient(), new Shape(4), 0, 1f / 6, 4f / 6, 1);
            float[] silu = new float[4];
            for (int i = 0; i < 4; i++) {
                double s = 1 / (1 + Math.exp(-in[i]));
                silu[i] = (float) (s * (1 + in[i] * (1 - s)));
            }
            assertValues(c.getGradient(), new Shape(4), silu);
        }
    }
}
