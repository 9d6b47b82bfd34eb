package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttentionOpTest {

    static Attributes attention(int heads, int kvHeads, int headDim, boolean causal) {
        return Attributes.of().with("num_heads", heads).with("num_kv_heads", kvHeads)
                .with("scale", 1 / Math.sqrt(headDim)).with("causal", causal);
    }

    /**
     * The textbook computation, loop by loop: per query head h (key/value head h / (hq / hkv)),
     * softmax over keys of q·k·scale + mask, causal keys after i + tk - tq hidden.
     */
    private static float[] reference(float[] q, float[] k, float[] v, float[] mask, int b, int tq, int tk,
            int hq, int hkv, int d, int dv, double scale, boolean causal) {
        float[] out = new float[b * tq * hq * dv];
        for (int n = 0; n < b; n++) {
            for (int h = 0; h < hq; h++) {
                int g = h / (hq / hkv);
                for (int i = 0; i < tq; i++) {
                    double[] s = new double[tk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += q[((n * tq + i) * hq + h) * d + c] * k[((n * tk + j) * hkv + g) * d + c];
                        }
                        s[j] = dot * scale + (mask == null ? 0 : mask[(n * tq + i) * tk + j]);
                        if (causal && j > i + tk - tq) {
                            s[j] = Double.NEGATIVE_INFINITY;
                        }
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j < tk; j++) {
                            acc += s[j] / sum * v[((n * tk + j) * hkv + g) * dv + c];
                        }
                        out[((n * tq + i) * hq + h) * dv + c] = (float) acc;
                    }
                }
            }
        }
        return out;
    }

    private static DefaultGraph single(Attributes a, Shape q, Shape k, Shape v, Shape mask) {
        GraphBuilder b = builder();
        Value[] in = mask == null
                ? new Value[] {b.input("q", q), b.input("k", k), b.input("v", v)}
                : new Value[] {b.input("q", q), b.input("k", k), b.input("v", v), b.input("mask", mask)};
        b.output(b.op("attention", "attn", a, in));
        return build(b);
    }

    @Test
    void oneHeadAttendsBySoftmaxOfScaledDotProducts() {
        try (DefaultGraph g = single(attention(1, 1, 2, false), new Shape(1, 1, 2), new Shape(1, 2, 2),
                new Shape(1, 2, 1), null); NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.create(new float[] {1, 0}, new Shape(1, 1, 2));
            NDArray k = m.create(new float[] {1, 0, 0, 1}, new Shape(1, 2, 2));
            NDArray v = m.create(new float[] {2, 6}, new Shape(1, 2, 1));
            // scores 1/sqrt(2) and 0: weights p and 1 - p on the values 2 and 6
            float p = (float) (1 / (1 + Math.exp(-1 / Math.sqrt(2))));
            assertValues(forward(g.node("attn"), false, q, k, v), new Shape(1, 1, 1), 2 * p + 6 * (1 - p));
        }
    }

    @Test
    void forwardMatchesTheTextbookComputationWithMaskCausalityAndSharedKeyValueHeads() {
        int b = 2;
        int tq = 3;
        int tk = 5;
        int hq = 4;
        int hkv = 2;
        int d = 3;
        int dv = 2;
        for (boolean causal : new boolean[] {false, true}) {
            Attributes a = attention(hq, hkv, d, causal).with("scale", 0.7);
            try (DefaultGraph g = single(a, new Shape(b, tq, hq * d), new Shape(b, tk, hkv * d),
                    new Shape(b, tk, hkv * dv), new Shape(b, 1, tq, tk)); NDManager m = NDManager.newBaseManager()) {
                assertThat(g.node("attn").output().shape()).isEqualTo(new Shape(b, tq, hq * dv));
                NDArray q = m.randomNormal(new Shape(b, tq, hq * d));
                NDArray k = m.randomNormal(new Shape(b, tk, hkv * d));
                NDArray v = m.randomNormal(new Shape(b, tk, hkv * dv));
                float[] maskData = new float[b * tq * tk];
                maskData[tk - 1] = -1e9f;              // batch 0, query 0 cannot see the last key
                maskData[tq * tk + 2] = -3f;            // batch 1, query 0 sees key 2 less
                NDArray mask = m.create(maskData, new Shape(b, 1, tq, tk));
                NDArray out = new GraphExecutor(g).forward(new NDList(q, k, v, mask)).head();
                assertValues(out, new Shape(b, tq, hq * dv), reference(q.toFloatArray(), k.toFloatArray(),
                        v.toFloatArray(), maskData, b, tq, tk, hq, hkv, d, dv, 0.7, causal));
            }
        }
    }

    @Test
    void shapesAreCheckedAndNamed() {
        assertThatThrownBy(() -> single(attention(3, 2, 2, false), new Shape(1, 2, 6), new Shape(1, 2, 4),
                new Shape(1, 2, 4), null)).isInstanceOf(GraphException.class)
                .hasMessageContaining("num_heads 3 must be a positive multiple of num_kv_heads 2");
        assertThatThrownBy(() -> single(attention(2, 2, 2, false), new Shape(1, 2, 4), new Shape(1, 2, 6),
                new Shape(1, 2, 4), null)).isInstanceOf(GraphException.class)
                .hasMessageContaining("do not hold 2 query heads and 2 key/value heads");
        assertThatThrownBy(() -> single(attention(2, 2, 2, false), new Shape(1, 2, 4), new Shape(1, 3, 4),
                new Shape(1, 3, 4), new Shape(1, 1, 1, 2))).isInstanceOf(GraphException.class)
                .hasMessageContaining("does not broadcast to the scores (1, 2, 2, 3)");
    }

    @Test
    void gradientsReachTheProjections() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 4));
        Value attn = b.op("attention", "attn", attention(2, 1, 2, true),
                b.linear("q", x, 4), b.linear("k", x, 2), b.linear("v", x, 2));
        b.output(b.linear("o", attn, 4));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> grads = new GraphExecutor(g).gradients(
                    new NDList(m.randomNormal(new Shape(1, 3, 4))), o -> o.head().square().sum(), false);
            for (String p : List.of("q.weight", "k.weight", "v.weight")) {
                assertThat(grads.get(p).abs().sum().getFloat()).as(p).isGreaterThan(0f);
            }
        }
    }

    @Test
    void channelsShareOneSpaceWithRepeatedKeyValueHeads() {
        try (DefaultGraph g = single(attention(4, 2, 3, false), new Shape(1, 2, 12), new Shape(1, 2, 6),
                new Shape(1, 2, 6), new Shape(1, 1, 1, 2))) {
            ChannelSemantics sem = g.node("attn").op().channels(g.node("attn"));
            IndexMapping repeat = new IndexMapping.HeadRepeat(3, 2, 0, 6);
            assertThat(sem).isEqualTo(new ChannelSemantics(Coupling.COUPLED, 12, 12,
                    List.of(ChannelSlot.at(2), new ChannelSlot(2, repeat), new ChannelSlot(2, repeat), ChannelSlot.NONE),
                    List.of(ChannelSlot.at(2))));
            // key/value channel 4 (head 1, dim 1) serves query heads 2 and 3
            List<Integer> space = new java.util.ArrayList<>();
            repeat.toSpace(4, space::add);
            assertThat(space).containsExactly(7, 10);
            assertThat(repeat.fromSpace(10)).isEqualTo(4);
            assertThat(repeat.fromSpace(12)).isEqualTo(-1);
            assertThat(OpCounter.count(g).macs()).isZero();
            assertThat(g.parameters()).isEmpty();
        }
    }

    @Test
    void aWindowMaskRepeatsOverTheImagesOfTheBatch() {
        Attributes windowed = attention(2, 2, 2, false).with("mask_windows", 2L);
        try (DefaultGraph g = single(windowed, new Shape(2, 3, 4), new Shape(2, 3, 4), new Shape(2, 3, 4),
                new Shape(2, 1, 3, 3)); DefaultGraph tiled = single(attention(2, 2, 2, false), new Shape(4, 3, 4),
                        new Shape(4, 3, 4), new Shape(4, 3, 4), new Shape(4, 1, 3, 3));
                NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(4, 3, 4));
            NDArray k = m.randomNormal(new Shape(4, 3, 4));
            NDArray v = m.randomNormal(new Shape(4, 3, 4));
            NDArray mask = m.randomNormal(new Shape(2, 1, 3, 3));
            NDArray expected = forward(tiled.node("attn"), false, q, k, v, mask.concat(mask));
            assertThat(forward(g.node("attn"), false, q, k, v, mask).sub(expected).abs().max().getFloat())
                    .isLessThan(1e-6f);
            assertThatThrownBy(() -> single(windowed, new Shape(3, 3, 4), new Shape(3, 3, 4), new Shape(3, 3, 4),
                    new Shape(2, 1, 3, 3))).isInstanceOf(GraphException.class)
                    .hasMessageContaining("mask_windows 2 needs a mask [2, heads, Tq, Tk] and a batch that is a multiple");
        }
    }

    @Test
    void aPerHeadMaskLosesTheRemovedHeadsAndRefusesHeadDims() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 2, 6));
        Value bias = b.op("parameter", "bias", Attributes.of().with("shape", new long[] {1, 3, 2, 2})
                .with("channel_dim", 1L));
        Value attn = b.op("attention", "attn", attention(3, 3, 2, false),
                b.linear("q", x, 6), b.linear("k", x, 6), b.linear("v", x, 6), bias);
        b.output(b.linear("o", attn, 6));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.node("attn").op().channels(g.node("attn")).inputs().get(3))
                    .isEqualTo(new ChannelSlot(1, new IndexMapping.Expansion(2)));
            DependencyGraph dg = DependencyGraph.build(g);
            assertThat(dg.checkPruningGroup(dg.getPruningGroup(g.node("q"), PruningHandle.PRUNE_OUT,
                    IndexSet.of(0, 2, 4)))).isFalse();
            dg.getPruningGroup(g.node("attn"), PruningHandle.PRUNE_OUT,
                    AttentionOp.headChannels(g.node("attn"), IndexSet.of(1))).prune();
            assertThat(g.node("bias").parameter("").shape()).isEqualTo(new Shape(1, 2, 2, 2));
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(new GraphExecutor(g).forward(new NDList(m.randomNormal(new Shape(1, 2, 6)))).head()
                    .getShape()).isEqualTo(new Shape(1, 2, 6));
        }
    }

    @Test
    void differentValueHeadSizesGetTheirOwnHalfOfTheSpace() {
        try (DefaultGraph g = single(attention(2, 2, 3, false), new Shape(1, 2, 6), new Shape(1, 2, 6),
                new Shape(1, 2, 4), null)) {
            ChannelSemantics sem = g.node("attn").op().channels(g.node("attn"));
            assertThat(sem.outChannels()).isEqualTo(10);
            assertThat(sem.inputs().get(2).mapping()).isEqualTo(new IndexMapping.HeadRepeat(2, 1, 6, 4));
            assertThat(sem.outputs().get(0).mapping()).isEqualTo(new IndexMapping.Offset(6, 4));
            g.node("attn").op().pruneOut(editor(g, "attn"), IndexSet.of(0, 3, 6, 8));
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThatThrownBy(() -> g.node("attn").op().pruneOut(editor(g, "attn"), IndexSet.of(8, 9)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 'attn' (attention): its query/key head size 3 differs from its"
                            + " value head size 2, so only head dims can be pruned, not heads [1]");
        }
    }

    @Test
    void pruningWholeHeadsLowersTheHeadCountsAndHeadDimsKeepThemAndTheScale() {
        try (DefaultGraph g = single(attention(4, 2, 2, false), new Shape(1, 2, 8), new Shape(1, 2, 4),
                new Shape(1, 2, 4), null)) {
            assertThatThrownBy(() -> g.node("attn").op().pruneOut(editor(g, "attn"), IndexSet.of(0, 1)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 'attn' (attention): query heads 0..1 share key/value head 0;"
                            + " removing 1 of them keeps the key/value head, remove all 2 or none");
            assertThatThrownBy(() -> g.node("attn").op().pruneOut(editor(g, "attn"), IndexSet.of(0, 2, 3)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("attention needs whole heads and an equal number of channels from every other head");
            IndexSet group1 = AttentionOp.headChannels(g.node("attn"), IndexSet.of(2, 3));
            assertThat(group1).isEqualTo(IndexSet.of(4, 5, 6, 7));
            g.node("attn").op().pruneOut(editor(g, "attn"), group1);
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("attn").attributes().getLong("num_kv_heads")).isEqualTo(1);
        }
        try (DefaultGraph g = single(attention(2, 2, 2, false), new Shape(1, 2, 4), new Shape(1, 2, 4),
                new Shape(1, 2, 4), null)) {
            double scale = g.node("attn").attributes().getDouble("scale");
            g.node("attn").op().pruneOut(editor(g, "attn"), IndexSet.of(1, 3));
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("attn").attributes().getDouble("scale")).isEqualTo(scale);
            assertThatThrownBy(() -> AttentionOp.headChannels(g.node("attn"), IndexSet.of(2)))
                    .isInstanceOf(PruningException.class).hasMessageContaining("head 2 is out of range");
        }
    }
}
