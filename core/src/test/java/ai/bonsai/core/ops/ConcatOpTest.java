package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcatOpTest {

    private static ChannelSemantics sem(DefaultGraph g, String node) {
        return g.node(node).op().channels(g.node(node));
    }

    @Test
    void joinsAlongPositiveOrNegativeDim() {
        GraphBuilder b = builder();
        Value a = b.input("a", new Shape(1, 2, 4, 4));
        Value c = b.input("c", new Shape(1, 3, 4, 4));
        Value y = b.concat("cat", 1, a, c);
        Value z = b.concat("neg", -3, a, c, a);
        b.output(y, z);
        try (DefaultGraph g = build(b)) {
            assertThat(y.shape()).isEqualTo(new Shape(1, 5, 4, 4));
            assertThat(z.shape()).isEqualTo(new Shape(1, 7, 4, 4));
            assertThat(g.node("cat").op().macs(g.node("cat"))).isZero();
        }
    }

    @Test
    void namesTheInputsThatDoNotMatch() {
        GraphBuilder b = builder();
        Value a = b.input("a", new Shape(1, 2, 4, 4));
        Value c = b.input("c", new Shape(1, 3, 5, 4));
        assertThatThrownBy(() -> b.concat("cat", 1, a, c))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'cat' (concat)")
                .hasMessageContaining("input 1 'c' (1, 3, 5, 4) does not match input 0 'a' "
                        + "(1, 2, 4, 4) outside dim 1");
        assertThatThrownBy(() -> b.concat("rank", 0, a, b.input("v", new Shape(4))))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("input 1 'v' (4) does not match input 0 'a'");
    }

    @Test
    void forwardJoinsValuesInOrder() {
        GraphBuilder b = builder();
        b.output(b.concat("cat", -1, b.input("a", new Shape(2, 1)), b.input("c", new Shape(2, 2))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertValues(forward(g.node("cat"), false, m.create(new float[] {1, 2}, new Shape(2, 1)),
                    m.create(new float[] {3, 4, 5, 6}, new Shape(2, 2))), new Shape(2, 3),
                    1, 3, 4, 2, 5, 6);
        }
    }

    @Test
    void alongTheChannelDimensionInputsTakeConsecutiveOffsets() {
        GraphBuilder b = builder();
        Value a = b.batchNorm("bn1", b.input("a", new Shape(1, 2, 4, 4)));
        Value c = b.batchNorm("bn2", b.input("c", new Shape(1, 3, 4, 4)));
        Value y = b.concat("cat", 1, a, c);
        b.output(y);
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "cat")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 5, 5,
                    List.of(new ChannelSlot(1, new IndexMapping.Offset(0, 2)),
                            new ChannelSlot(1, new IndexMapping.Offset(2, 3))),
                    List.of(ChannelSlot.at(1))));
            assertThat(y.channelDim()).isEqualTo(1);
        }
    }

    @Test
    void alongAnotherDimensionInputsShareTheChannels() {
        GraphBuilder b = builder();
        Value a = b.batchNorm("bn1", b.input("a", new Shape(1, 3, 2, 4)));
        Value c = b.batchNorm("bn2", b.input("c", new Shape(1, 3, 5, 4)));
        b.output(b.concat("cat", 2, a, c));
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "cat")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 3, 3,
                    List.of(ChannelSlot.at(1), ChannelSlot.at(1)), List.of(ChannelSlot.at(1))));
        }
    }

    @Test
    void inputsThatDisagreeOnChannelsBlockAndInputsWithoutChannelsGiveNone() {
        GraphBuilder b = builder();
        Value raw = b.input("a", new Shape(1, 2, 4, 4));
        Value norm = b.batchNorm("bn", b.input("c", new Shape(1, 3, 4, 4)));
        b.output(b.concat("mixed", 1, raw, norm), b.concat("plain", 1, raw, raw));
        try (DefaultGraph g = build(b)) {
            assertThat(sem(g, "mixed")).isEqualTo(ChannelSemantics.opaque(2, 1));
            assertThat(sem(g, "plain")).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 0, 0,
                    List.of(ChannelSlot.NONE, ChannelSlot.NONE), List.of(ChannelSlot.NONE)));
        }
    }
}
