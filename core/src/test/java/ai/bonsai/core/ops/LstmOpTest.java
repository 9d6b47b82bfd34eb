package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static ai.bonsai.core.ops.OpTesting.set;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LstmOpTest {

    static Attributes lstm(int hidden, int layers, boolean bidirectional, boolean batchFirst) {
        return Attributes.of().with("hidden_size", hidden).with("num_layers", layers)
                .with("bidirectional", bidirectional).with("bias", true).with("batch_first", batchFirst);
    }

    /** One unit with input weights i, f, g, o = 0, 0, 1, 0 and recurrent weight 1 on g only. */
    private static void oneUnit(DefaultGraph g, String node, String suffix) {
        set(g, node, "weight_ih_l0" + suffix, new float[] {0, 0, 1, 0}, new Shape(4, 1));
        set(g, node, "weight_hh_l0" + suffix, new float[] {0, 0, 1, 0}, new Shape(4, 1));
        set(g, node, "bias_ih_l0" + suffix, new float[] {0, 0, 0, 0}, new Shape(4));
        set(g, node, "bias_hh_l0" + suffix, new float[] {0, 0, 0, 0}, new Shape(4));
    }

    @Test
    void declaresPyTorchParametersPerLayerAndDirection() {
        GraphBuilder b = builder();
        Value y = b.op("lstm", "rnn", lstm(3, 2, true, true), b.input("x", new Shape(2, 5, 4)));
        b.output(y);
        try (DefaultGraph g = build(b)) {
            assertThat(y.shape()).isEqualTo(new Shape(2, 5, 6));
            assertThat(g.parameters()).hasSize(16).containsKeys("rnn.weight_ih_l0", "rnn.weight_hh_l0_reverse",
                    "rnn.bias_ih_l1", "rnn.bias_hh_l1_reverse");
            assertThat(g.parameters().get("rnn.weight_ih_l0").shape()).isEqualTo(new Shape(12, 4));
            assertThat(g.parameters().get("rnn.weight_ih_l1_reverse").shape()).isEqualTo(new Shape(12, 6));
            assertThat(g.parameters().get("rnn.weight_hh_l1").shape()).isEqualTo(new Shape(12, 3));
            ChannelSemantics sem = g.node("rnn").op().channels(g.node("rnn"));
            assertThat(sem.inChannels()).isEqualTo(4);
            assertThat(sem.outChannels()).isEqualTo(3);
            assertThat(sem.outputs().get(0).mapping()).isEqualTo(new IndexMapping.Tiled(3, 2));
            // per direction and step: 12*4 + 12*3 + 10*3 + 24 for layer 0, 12*6 + 12*3 + 10*3 + 24 for layer 1
            assertThat(g.node("rnn").op().macs(g.node("rnn"))).isEqualTo((138L + 162L) * 2 * 5 * 2);
        }
    }

    @Test
    void forwardFollowsTheGateEquationsInBothDirections() {
        GraphBuilder b = builder();
        b.output(b.op("lstm", "rnn", lstm(1, 1, true, true), b.input("x", new Shape(1, 2, 1))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            oneUnit(g, "rnn", "");
            oneUnit(g, "rnn", "_reverse");
            NDArray y = forward(g.node("rnn"), false, m.create(new float[] {1, 2}, new Shape(1, 2, 1)));
            // i = f = o = sigmoid(0) = 1/2, g = tanh(x_t + h_{t-1}); c_t = c_{t-1}/2 + g/2, h_t = tanh(c_t)/2
            double c1 = 0.5 * Math.tanh(1);
            double h1 = 0.5 * Math.tanh(c1);
            double c2 = 0.5 * c1 + 0.5 * Math.tanh(2 + h1);
            double r2c = 0.5 * Math.tanh(2);
            double r2 = 0.5 * Math.tanh(r2c);
            double r1c = 0.5 * r2c + 0.5 * Math.tanh(1 + r2);
            assertValues(y, new Shape(1, 2, 2), (float) h1, (float) (0.5 * Math.tanh(r1c)),
                    (float) (0.5 * Math.tanh(c2)), (float) r2);
        }
    }

    @Test
    void sequenceFirstInputGivesTheSameNumbersTransposed() {
        GraphBuilder b = builder();
        b.output(b.op("lstm", "bf", lstm(2, 2, false, true), b.input("x", new Shape(3, 4, 2))));
        b.output(b.op("lstm", "sf", lstm(2, 2, false, false), b.input("xt", new Shape(4, 3, 2))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            g.node("bf").parameters().forEach((local, p) -> set(g, "sf", local, p.array().toFloatArray(), p.shape()));
            NDArray x = m.randomNormal(new Shape(3, 4, 2));
            NDList out = new GraphExecutor(g).forward(new NDList(x, x.swapAxes(0, 1)));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(4, 3, 2));
            assertThat(out.get(0).sub(out.get(1).swapAxes(0, 1)).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    @Test
    void gradientsReachTheRecurrentWeightsOfEveryLayer() {
        GraphBuilder b = builder();
        b.output(b.op("lstm", "rnn", lstm(2, 2, true, true), b.input("x", new Shape(1, 3, 2))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> grads = new GraphExecutor(g).gradients(
                    new NDList(m.randomNormal(new Shape(1, 3, 2))), o -> o.head().sum(), false);
            for (String p : new String[] {"rnn.weight_hh_l0", "rnn.weight_hh_l0_reverse", "rnn.weight_ih_l1"}) {
                assertThat(grads.get(p).abs().sum().getFloat()).as(p).isGreaterThan(0f);
            }
        }
    }
}
