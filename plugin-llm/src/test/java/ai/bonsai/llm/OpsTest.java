package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The plugin's op types against direct computations of their formulas. */
class OpsTest {

    private static final double EPS = 1e-6;

    @Test
    void rmsNormDividesByTheRootMeanSquareAndScales() {
        float[] w = {0.5f, 1, 1.5f, 2, 2.5f, 3};
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = random(m, 2 * 3 * 6);
            float[] y = run(b -> {
                b.parameterValue("norm.weight", b.manager().create(w));
                return b.op(RmsNormOp.NAME, "norm", Attributes.of().with("eps", EPS),
                        b.input("x", new Shape(2, 3, 6)));
            }, m.create(x, new Shape(2, 3, 6)));
            for (int r = 0; r < 6; r++) {
                double ms = 0;
                for (int c = 0; c < 6; c++) {
                    ms += x[r * 6 + c] * x[r * 6 + c] / 6.0;
                }
                for (int c = 0; c < 6; c++) {
                    assertThat((double) y[r * 6 + c])
                            .isCloseTo(w[c] * x[r * 6 + c] / Math.sqrt(ms + EPS), offset(1e-5));
                }
            }
        }
    }

    @Test
    void headRmsNormNormalizesEachHeadWithTheSharedWeight() {
        float[] w = {0.5f, 1, 1.5f, 2};
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = random(m, 3 * 8);
            float[] y = run(b -> {
                b.parameterValue("qn.weight", b.manager().create(w));
                return b.op(HeadRmsNormOp.NAME, "qn", Attributes.of().with("eps", EPS)
                        .with("num_heads", 2).with("head_dim", 4), b.input("x", new Shape(1, 3, 8)));
            }, m.create(x, new Shape(1, 3, 8)));
            for (int head = 0; head < 6; head++) {
                double ms = 0;
                for (int d = 0; d < 4; d++) {
                    ms += x[head * 4 + d] * x[head * 4 + d] / 4.0;
                }
                for (int d = 0; d < 4; d++) {
                    assertThat((double) y[head * 4 + d]).isCloseTo(
                            w[d] * x[head * 4 + d] / Math.sqrt(ms + EPS), offset(1e-5));
                }
            }
        }
    }

    @Test
    void rotaryRotatesHalvesOfEveryHeadByPositionTimesFrequency() {
        int heads = 2;
        int dim = 4;
        int t = 5;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = random(m, t * heads * dim);
            float[] y = run(b -> b.op(RotaryOp.NAME, "rot", RopeScaling.unscaled(100).addTo(Attributes.of()
                    .with("num_heads", heads).with("head_dim", dim)), b.input("x", new Shape(1, t, heads * dim))),
                    m.create(x, new Shape(1, t, heads * dim)));
            double[] inv = {1, 0.1};
            for (int p = 0; p < t; p++) {
                for (int h = 0; h < heads; h++) {
                    int base = (p * heads + h) * dim;
                    for (int i = 0; i < dim / 2; i++) {
                        double a = p * inv[i];
                        double x1 = x[base + i];
                        double x2 = x[base + i + dim / 2];
                        assertThat((double) y[base + i]).isCloseTo(x1 * Math.cos(a) - x2 * Math.sin(a),
                                offset(1e-5));
                        assertThat((double) y[base + i + dim / 2]).isCloseTo(x2 * Math.cos(a) + x1 * Math.sin(a),
                                offset(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void wholeHeadsPruneThroughHeadNormAndRotaryAndPositionsOnlyThroughTheNorm() {
        try (Graph g = headGraph(true)) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group heads = dg.getPruningGroup(g.node("q"), PruningHandle.PRUNE_OUT, IndexSet.of(4, 5, 6, 7));
            assertThat(dg.checkPruningGroup(heads)).isTrue();
            Group positions = dg.getPruningGroup(g.node("q"), PruningHandle.PRUNE_OUT, IndexSet.of(1, 5, 9));
            assertThat(dg.problem(positions)).get().asString()
                    .contains("node 'rot' (llm.rotary) can only lose whole heads");
            heads.prune();
            assertThat(g.node("qn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("rot").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("qn").parameter("weight").shape()).isEqualTo(new Shape(4));
            assertThat(g.node("out").parameter("weight").shape()).isEqualTo(new Shape(3, 8));
        }
        try (Graph g = headGraph(false)) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group positions = dg.getPruningGroup(g.node("q"), PruningHandle.PRUNE_OUT, IndexSet.of(1, 5, 9));
            positions.prune();
            assertThat(g.node("qn").attributes().getLong("head_dim")).isEqualTo(3);
            assertThat(g.node("qn").parameter("weight").shape()).isEqualTo(new Shape(3));
            Group uneven = dg.getPruningGroup(g.node("q"), PruningHandle.PRUNE_OUT, IndexSet.of(0, 4));
            assertThat(dg.problem(uneven)).get().asString()
                    .contains("needs whole heads or the same positions in every head of 3");
        }
    }

    @Test
    void normsCountTwoMacsPerElement() {
        try (Graph g = headGraph(true)) {
            assertThat(g.node("qn").op().macs(g.node("qn"))).isEqualTo(2L * 2 * 5 * 12);
            assertThat(g.node("rot").op().macs(g.node("rot"))).isZero();
        }
    }

    /** input [2, 5, 6] -> linear q (3 heads of 4) -> head norm -> (rotary) -> linear out (3). */
    private static Graph headGraph(boolean rotary) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("heads", 1);
        Value q = b.linear("q", b.input("x", new Shape(2, 5, 6)), 12, false);
        q = b.op(HeadRmsNormOp.NAME, "qn", Attributes.of().with("eps", EPS).with("num_heads", 3)
                .with("head_dim", 4), q);
        if (rotary) {
            q = b.op(RotaryOp.NAME, "rot", RopeScaling.unscaled(10000).addTo(Attributes.of()
                    .with("num_heads", 3).with("head_dim", 4)), q);
        }
        b.output(b.linear("out", q, 3, false));
        return b.build();
    }

    private static float[] random(NDManager m, int n) {
        return m.randomNormal(new Shape(n)).toFloatArray();
    }

    private static float[] run(Function<GraphBuilder, Value> body, NDArray x) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("op", 0);
        b.output(body.apply(b));
        try (Graph g = b.build()) {
            return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
        }
    }
}
