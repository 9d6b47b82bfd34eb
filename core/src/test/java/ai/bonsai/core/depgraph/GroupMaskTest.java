package ai.bonsai.core.depgraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.TinyResNet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Soft pruning: {@link Group#mask()} zeroes what {@link Group#prune()} would remove. */
class GroupMaskTest {

    /** a(8, bias) → relu → b(6) → relu → c(4); a's output channels reach only b's inputs. */
    private static Graph chain() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("chain", 3);
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value h = b.relu("ra", b.conv2d("a", x, 8, 3, 1, 1, 1, 1, true));
        h = b.relu("rb", b.conv2d("b", h, 6, 3, 1, 1));
        b.output(b.conv2d("c", h, 4, 1, 1, 0));
        return b.build();
    }

    private static Map<String, NDArray> snapshot(Graph g, NDManager m) {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        g.parameters().forEach((name, p) -> {
            NDArray a = p.array().duplicate();
            a.attach(m);
            copy.put(name, a);
        });
        return copy;
    }

    private static NDArray forward(Graph g, NDArray input) {
        return new GraphExecutor(g).forward(new NDList(input)).head();
    }

    @Test
    void maskedChainComputesWhatThePrunedChainComputes() {
        IndexSet idxs = IndexSet.of(1, 5, 6);
        try (Graph masked = chain(); Graph pruned = chain(); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> before = snapshot(masked, m);
            DependencyGraph.build(masked).getPruningGroup(masked.node("a"), PruningHandle.PRUNE_OUT, idxs).mask();
            DependencyGraph.build(pruned).getPruningGroup(pruned.node("a"), PruningHandle.PRUNE_OUT, idxs).prune();

            assertThat(masked.node("a").parameter("weight").shape()).isEqualTo(new Shape(8, 3, 3, 3));
            assertThat(masked.node("b").parameter("weight").shape()).isEqualTo(new Shape(6, 8, 3, 3));
            assertThat(masked.node("a").attributes().getLong("out_channels")).isEqualTo(8);
            assertThat(pruned.node("a").attributes().getLong("out_channels")).isEqualTo(5);
            NDArray aw = masked.node("a").parameter("weight").array();
            NDArray ab = masked.node("a").parameter("bias").array();
            NDArray bw = masked.node("b").parameter("weight").array();
            for (int c = 0; c < 8; c++) {
                NDIndex row = new NDIndex(c);
                NDIndex col = new NDIndex(":, {}", c);
                if (idxs.contains(c)) {
                    assertThat(aw.get(row).abs().sum().getFloat()).isZero();
                    assertThat(ab.getFloat(c)).isZero();
                    assertThat(bw.get(col).abs().sum().getFloat()).isZero();
                } else {
                    assertThat(aw.get(row).contentEquals(before.get("a.weight").get(row))).isTrue();
                    assertThat(ab.getFloat(c)).isEqualTo(before.get("a.bias").getFloat(c));
                    assertThat(bw.get(col).contentEquals(before.get("b.weight").get(col))).isTrue();
                }
            }
            assertThat(masked.node("c").parameter("weight").array().contentEquals(before.get("c.weight"))).isTrue();

            NDArray x = m.randomNormal(new Shape(2, 3, 8, 8));
            NDArray ym = forward(masked, x);
            NDArray yp = forward(pruned, x);
            assertThat(ym.getShape()).isEqualTo(new Shape(2, 4, 8, 8));
            assertThat(ym.sub(yp).abs().max().getFloat()).isLessThan(1e-5f);
            NDArray yOriginal;
            try (Graph original = chain()) {
                yOriginal = forward(original, x);
            }
            assertThat(ym.sub(yOriginal).abs().max().getFloat()).isGreaterThan(1e-3f);
        }
    }

    @Test
    void maskingAResidualGroupKeepsShapesAndAttributesAndZeroesEveryCoupledSlice() {
        IndexSet idxs = IndexSet.of(0, 3, 9);
        try (Graph g = TinyResNet.build(); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> before = snapshot(g, m);
            Map<String, Shape> shapes = new LinkedHashMap<>();
            g.parameters().forEach((name, p) -> shapes.put(name, p.shape()));
            Map<String, Attributes> attributes = new LinkedHashMap<>();
            g.nodes().forEach(n -> attributes.put(n.name(), n.attributes()));
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("conv1"), PruningHandle.PRUNE_OUT, idxs);
            group.mask();

            g.parameters().forEach((name, p) -> assertThat(p.shape()).as(name).isEqualTo(shapes.get(name)));
            g.nodes().forEach(n -> assertThat(n.attributes()).as(n.name()).isEqualTo(attributes.get(n.name())));
            assertThat(g.node("dw").attributes().getLong("groups")).isEqualTo(16);
            assertZeroedAlong(g, before, "conv1.weight", 0, idxs);
            assertZeroedAlong(g, before, "bn1.weight", 0, idxs);
            assertZeroedAlong(g, before, "bn1.bias", 0, idxs);
            assertZeroedAlong(g, before, "bn1.running_mean", 0, idxs);
            assertZeroedAlong(g, before, "block_conv1.weight", 1, idxs);
            assertZeroedAlong(g, before, "block_conv2.weight", 0, idxs);
            assertZeroedAlong(g, before, "dw.weight", 0, idxs);
            assertZeroedAlong(g, before, "pw.weight", 1, idxs);
            assertZeroedAlong(g, before, "branch.weight", 1, idxs);
            assertThat(g.parameters().get("head.weight").array().contentEquals(before.get("head.weight"))).isTrue();
            assertThat(g.parameters().get("pw.bias").array().contentEquals(before.get("pw.bias"))).isTrue();

            NDArray x = m.randomNormal(new Shape(1, 3, 32, 32));
            NDArray ym = forward(g, x);
            group.prune();
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(13, 3, 3, 3));
            assertThat(forward(g, x).sub(ym).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void maskRefusesTheGroupsPruneRefuses() {
        try (Graph g = chain()) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group all = dg.getPruningGroup(g.node("a"), PruningHandle.PRUNE_OUT, IndexSet.range(8));
            assertThatThrownBy(all::mask)
                    .isInstanceOf(PruningException.class)
                    .hasMessage("prune_out_channels on 'a' would remove all 8 channels; at least one must remain");
            Parameter w = g.node("a").parameter("weight");
            assertThat(w.array().abs().sum().getFloat()).isPositive();
        }
    }

    private static void assertZeroedAlong(Graph g, Map<String, NDArray> before, String name, int dim, IndexSet idxs) {
        NDArray now = g.parameters().get(name).array();
        NDArray was = before.get(name);
        int size = Math.toIntExact(now.getShape().get(dim));
        for (int c = 0; c < size; c++) {
            NDIndex at = new NDIndex(":,".repeat(dim) + "{}", c);
            if (idxs.contains(c)) {
                assertThat(now.get(at).abs().sum().getFloat()).as(name + "[" + c + "]").isZero();
            } else {
                assertThat(now.get(at).contentEquals(was.get(at))).as(name + "[" + c + "]").isTrue();
            }
        }
    }
}
