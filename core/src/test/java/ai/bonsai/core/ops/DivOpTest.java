package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class DivOpTest {

    @Test
    void isRegisteredUnderItsName() {
        assertThat(PluginHost.classpathOnly().opTypes().get("div")).isInstanceOf(DivOp.class);
    }

    @Test
    void dividesWithBroadcasting() {
        GraphBuilder b = builder();
        b.output(b.binary("div", "op", b.input("a", new Shape(3, 2)), b.input("b", new Shape(2))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertValues(forward(g.node("op"), false, m.create(new float[] {1, 2, 3, 4, 5, 6},
                    new Shape(3, 2)), m.create(new float[] {2, 4})), new Shape(3, 2),
                    0.5f, 0.5f, 1.5f, 1f, 2.5f, 1.5f);
            assertThat(g.node("op").op().macs(g.node("op"))).isZero();
        }
    }

    @Test
    void couplesChannelsLikeTheOtherBinaryOps() {
        GraphBuilder b = builder();
        Value x = b.batchNorm("bn", b.input("x", new Shape(2, 3, 4, 4)));
        b.output(b.binary("div", "scaled", x, b.input("scale", new Shape(1, 3, 1, 1))));
        try (DefaultGraph g = build(b)) {
            var sem = g.node("scaled").op().channels(g.node("scaled"));
            assertThat(sem.coupling()).isEqualTo(Coupling.COUPLED);
            assertThat(sem.outputs()).containsExactly(ChannelSlot.at(1));
        }
    }
}
