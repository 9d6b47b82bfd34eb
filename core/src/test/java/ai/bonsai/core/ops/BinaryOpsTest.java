package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BinaryOpsTest {

    @Test
    void outputShapeIsTheNumPyBroadcast() {
        GraphBuilder b = builder();
        Value y1 = b.add("a1", b.input("x1", new Shape(2, 3, 4, 4)), b.input("x2", new Shape(1, 3, 1, 1)));
        Value y2 = b.binary("mul", "m1", b.input("x3", new Shape(3, 1)), b.input("x4", new Shape(1, 4)));
        Value y3 = b.binary("sub", "s1", b.input("x5", new Shape(4)), b.input("x6", new Shape(2, 3, 4)));
        b.output(y1, y2, y3);
        try (DefaultGraph g = build(b)) {
            assertThat(y1.shape()).isEqualTo(new Shape(2, 3, 4, 4));
            assertThat(y2.shape()).isEqualTo(new Shape(3, 4));
            assertThat(y3.shape()).isEqualTo(new Shape(2, 3, 4));
            assertThat(g.node("a1").op().macs(g.node("a1"))).isZero();
        }
    }

    @Test
    void incompatibleShapesNameBoth() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3));
        Value z = b.input("z", new Shape(4));
        assertThatThrownBy(() -> b.add("sum", x, z))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'sum' (add)")
                .hasMessageContaining("shapes (2, 3) and (4) cannot be broadcast together");
    }

    @ParameterizedTest
    @CsvSource({"add, 11, 22, 13, 24, 15, 26", "sub, -9, -18, -7, -16, -5, -14",
        "mul, 10, 40, 30, 80, 50, 120"})
    void forwardBroadcastsTheSecondOperand(String op, float e0, float e1, float e2, float e3,
            float e4, float e5) {
        GraphBuilder b = builder();
        b.output(b.binary(op, "op", b.input("a", new Shape(3, 2)), b.input("b", new Shape(2))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertValues(forward(g.node("op"), false, m.create(new float[] {1, 2, 3, 4, 5, 6},
                    new Shape(3, 2)), m.create(new float[] {10, 20})), new Shape(3, 2),
                    e0, e1, e2, e3, e4, e5);
        }
    }

    @Test
    void sizeOneOperandsNeverCouple() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(2, 3, 4, 4)));
        Value perChannel = b.input("scale", new Shape(1, 3, 1, 1));
        Value perPixel = b.input("mask", new Shape(2, 1, 4, 4));
        Value row = b.input("row", new Shape(4));
        b.output(b.binary("mul", "scaled", x, perChannel), b.binary("mul", "masked", perPixel, x),
                b.add("shifted", x, row));
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "scaled")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 3, 3,
                    List.of(ChannelSlot.at(1), ChannelSlot.at(1)), List.of(ChannelSlot.at(1))));
            assertThat(sem(g, "masked")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 3, 3,
                    List.of(ChannelSlot.NONE, ChannelSlot.at(1)), List.of(ChannelSlot.at(1))));
            assertThat(sem(g, "shifted")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 3, 3,
                    List.of(ChannelSlot.at(1), ChannelSlot.NONE), List.of(ChannelSlot.at(1))));
            assertThat(g.node("masked").output().channelDim()).isEqualTo(1);
        }
    }

    @Test
    void channelDimensionIsShiftedByTheRankDifference() {
        GraphBuilder b = builder();
        Value features = b.linear("fc", b.input("t", new Shape(4, 5)), 4);
        Value big = b.input("big", new Shape(2, 3, 4, 4));
        Value y = b.add("sum", big, features);
        b.output(y);
        try (DefaultGraph g = build(b)) {
            assertThat(features.channelDim()).isEqualTo(1);
            assertThat(y.channelDim()).isEqualTo(3);
            assertThat(sem(g, "sum")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 4, 4,
                    List.of(ChannelSlot.at(3), ChannelSlot.at(1)), List.of(ChannelSlot.at(3))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "sub", "mul"})
    void inputsWithoutChannelsGiveNoChannelsAndNoMacs(String op) {
        GraphBuilder b = builder();
        b.output(b.binary(op, "op", b.input("a", new Shape(2, 3)), b.input("b", new Shape(2, 3))));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("op");
            assertThat(node.op().channels(node)).isEqualTo(new ChannelSemantics(Coupling.COUPLED,
                    0, 0, List.of(ChannelSlot.NONE, ChannelSlot.NONE), List.of(ChannelSlot.NONE)));
            assertThat(node.output().channelDim()).isEqualTo(-1);
            assertThat(node.op().macs(node)).isZero();
        }
    }

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }
}
