package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dropout} and {@code identity}. */
class PassThroughOpsTest {

    @Test
    void dropoutIsTheIdentityInEvaluation() {
        GraphBuilder b = builder();
        b.output(b.dropout("drop", b.input("x", new Shape(2, 3)), 0.5));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            NDArray x = arange(m, new Shape(2, 3));
            assertThat(forward(g.node("drop"), false, x).toFloatArray())
                    .containsExactly(0, 1, 2, 3, 4, 5);
        }
    }

    @Test
    void dropoutInTrainingZeroesAboutPAndScalesTheRest() {
        GraphBuilder b = builder();
        b.output(b.dropout("drop", b.input("x", new Shape(4000)), 0.25),
                b.dropout("none", b.input("x2", new Shape(4000)), 0));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            float[] y = forward(g.node("drop"), true, m.ones(new Shape(4000))).toFloatArray();
            int zeros = 0;
            for (float v : y) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertThat(v).isCloseTo(4f / 3, within(1e-6f));
                }
            }
            assertThat(zeros).isBetween(850, 1150);
            assertThat(forward(g.node("none"), true, m.ones(new Shape(4000))).sum().getFloat())
                    .isEqualTo(4000f);
        }
    }

    @Test
    void dropoutRejectsAProbabilityOutsideTheUnitInterval() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3));
        assertThatThrownBy(() -> b.dropout("drop", x, 1.5))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'drop' (dropout)")
                .hasMessageContaining("attribute 'p' must be in [0, 1], found 1.5");
    }

    @Test
    void identityReturnsItsInput() {
        GraphBuilder b = builder();
        b.output(b.unary("identity", "id", b.input("x", new Shape(2, 3))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            NDArray x = arange(m, new Shape(2, 3));
            assertThat(forward(g.node("id"), true, x).toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dropout", "identity"})
    void channelsPassThroughAndMacsAreZero(String op) {
        GraphBuilder b = builder();
        Value norm = b.batchNorm("bn", b.input("x", new Shape(2, 3, 4, 4)));
        Value y = op.equals("dropout") ? b.dropout("op", norm, 0.1) : b.unary(op, "op", norm);
        b.output(y);
        try (DefaultGraph g = build(b)) {
            Node node = g.node("op");
            assertThat(y.shape()).isEqualTo(new Shape(2, 3, 4, 4));
            assertThat(y.channelDim()).isEqualTo(1);
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(node.op().macs(node)).isZero();
        }
    }
}
