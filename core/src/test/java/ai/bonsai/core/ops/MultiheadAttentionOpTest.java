package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static ai.bonsai.core.ops.OpTesting.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiheadAttentionOpTest {

    static Attributes mha(int embed, int heads) {
        return Attributes.of().with("embed_dim", embed).with("num_heads", heads).with("bias", true);
    }

    /** Identity q, k, v and output projections, zero biases. */
    private static void identity(DefaultGraph g, String node, int e) {
        float[] in = new float[3 * e * e];
        float[] out = new float[e * e];
        for (int i = 0; i < e; i++) {
            for (int block = 0; block < 3; block++) {
                in[(block * e + i) * e + i] = 1;
            }
            out[i * e + i] = 1;
        }
        set(g, node, "in_proj_weight", in, new Shape(3 * e, e));
        set(g, node, "in_proj_bias", new float[3 * e], new Shape(3 * e));
        set(g, node, "out_proj.weight", out, new Shape(e, e));
        set(g, node, "out_proj.bias", new float[e], new Shape(e));
    }

    @Test
    void parametersCarryPyTorchStateDictNames() {
        GraphBuilder b = builder();
        Value y = b.op("multihead_attention", "blocks.0.attn", mha(6, 3), b.input("x", new Shape(2, 5, 6)));
        b.output(y);
        try (DefaultGraph g = build(b)) {
            assertThat(y.shape()).isEqualTo(new Shape(2, 5, 6));
            assertThat(g.parameters()).containsOnlyKeys("blocks.0.attn.in_proj_weight", "blocks.0.attn.in_proj_bias",
                    "blocks.0.attn.out_proj.weight", "blocks.0.attn.out_proj.bias");
            assertThat(g.parameters().get("blocks.0.attn.in_proj_weight").shape()).isEqualTo(new Shape(18, 6));
            // 5*6 + 15*36 + 15*6 + 3*(2*25*2 + 25) + 5*6*7, times 2
            assertThat(g.node("blocks.0.attn").op().macs(g.node("blocks.0.attn"))).isEqualTo(2L * (30 + 540 + 90 + 375 + 210));
        }
    }

    @Test
    void forwardIsScaledDotProductAttentionPerHead() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 2, 2));
        b.output(b.op("multihead_attention", "one", mha(2, 1), x), b.op("multihead_attention", "two", mha(2, 2), x));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            identity(g, "one", 2);
            identity(g, "two", 2);
            NDArray in = m.create(new float[] {1, 0, 0, 1}, new Shape(1, 2, 2));
            // one head of size 2: scores I / sqrt(2), so each token keeps p = sigmoid(1/sqrt(2)) of itself
            float p = (float) (1 / (1 + Math.exp(-1 / Math.sqrt(2))));
            assertValues(forward(g.node("one"), false, in), new Shape(1, 2, 2), p, 1 - p, 1 - p, p);
            // two heads of size 1: a token whose feature is 1 attends e : 1, the other uniformly
            float q = (float) (Math.E / (Math.E + 1));
            assertValues(forward(g.node("two"), false, in), new Shape(1, 2, 2), q, 0.5f, 0.5f, q);
        }
    }

    @Test
    void crossAttentionTakesKeysAndValuesFromOtherInputs() {
        GraphBuilder b = builder();
        Value q = b.input("q", new Shape(1, 1, 2));
        Value kv = b.input("kv", new Shape(1, 3, 2));
        Value y = b.op("multihead_attention", "cross", mha(2, 1), q, kv, kv);
        b.output(y);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            identity(g, "cross", 2);
            NDArray query = m.create(new float[] {0, 0}, new Shape(1, 1, 2));
            NDArray memory = m.create(new float[] {3, 0, 0, 6, 0, 0}, new Shape(1, 3, 2));
            // a zero query attends uniformly: the mean of the values
            NDArray out = new GraphExecutor(g).forward(new NDList(query, memory)).head();
            assertValues(out, new Shape(1, 1, 2), 1, 2);
            // 1*2 + 7*4 + 7*2 + (2*3*2 + 3) + 1*2*3
            assertThat(g.node("cross").op().macs(g.node("cross"))).isEqualTo(2 + 28 + 14 + 15 + 6);
        }
    }

    @Test
    void gradientsReachThePackedProjection() {
        GraphBuilder b = builder();
        b.output(b.op("multihead_attention", "attn", mha(4, 2), b.input("x", new Shape(1, 3, 4))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> grads = new GraphExecutor(g).gradients(
                    new NDList(m.randomNormal(new Shape(1, 3, 4))), o -> o.head().square().sum(), false);
            assertThat(grads.get("attn.in_proj_weight").abs().sum().getFloat()).isGreaterThan(0f);
            assertThat(grads.get("attn.out_proj.bias").abs().sum().getFloat()).isGreaterThan(0f);
        }
    }

    @Test
    void pruningWholeHeadsLowersNumHeadsAndEvenChannelsLowerTheHeadSize() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 6));
        b.output(b.op("multihead_attention", "heads", mha(6, 3), x), b.op("multihead_attention", "dims", mha(6, 3), x));
        try (DefaultGraph g = build(b)) {
            IndexSet head1 = MultiheadAttentionOp.headChannels(g.node("heads"), IndexSet.of(1));
            assertThat(head1).isEqualTo(IndexSet.of(2, 3));
            g.node("heads").op().pruneOut(editor(g, "heads"), head1);
            assertThat(g.node("heads").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("heads").attributes().getLong("embed_dim")).isEqualTo(4);
            assertThat(g.parameters().get("heads.in_proj_weight").shape()).isEqualTo(new Shape(12, 4));
            assertThat(g.parameters().get("heads.out_proj.weight").shape()).isEqualTo(new Shape(4, 4));
            assertThat(g.parameters().get("heads.in_proj_bias").shape()).isEqualTo(new Shape(12));
            g.node("dims").op().pruneIn(editor(g, "dims"), IndexSet.of(0, 3, 5));
            assertThat(g.node("dims").attributes().getLong("num_heads")).isEqualTo(3);
            assertThat(g.node("dims").attributes().getLong("embed_dim")).isEqualTo(3);
            assertThatThrownBy(() -> g.node("heads").op().pruneOut(editor(g, "heads"), IndexSet.of(0)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 'heads' (multihead_attention): attention needs whole heads or an"
                            + " equal number of channels from every head");
            assertThatThrownBy(() -> MultiheadAttentionOp.headChannels(g.node("heads"), IndexSet.of(2)))
                    .isInstanceOf(PruningException.class).hasMessageContaining("head 2 is out of range");
        }
    }
}
