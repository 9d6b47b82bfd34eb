package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.WeightRows;
import ai.bonsai.core.testing.Weights;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Whole heads of an attention fed by one packed projection (Swin's {@code qkv}: 3C outputs sliced
 * into q, k and v): heads are scored and chosen in the attention's channel space, so head h is
 * the q, k and v rows of h together.
 */
class PackedQkvHeadPruningTest {

    /** C = 8 channels in 2 heads of 4. */
    private static final int C = 8;
    private static final int HEADS = 2;
    private static final int D = C / HEADS;

    /** x [1, 4, 6] → qkv (24) → slices q, k, v → attention (2 heads) → proj (6). */
    private static Graph packed() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("packed", 5);
        Value qkv = b.linear("qkv", b.input("x", new Shape(1, 4, 6)), 3 * C);
        Value[] parts = new Value[3];
        for (int i = 0; i < 3; i++) {
            parts[i] = b.op("slice", "qkv." + "qkv".charAt(i), Attributes.of().with("dim", 2)
                    .with("start", i * C).with("end", (i + 1) * C), qkv);
        }
        Value attn = b.op("attention", "attn", Attributes.of().with("num_heads", HEADS).with("scale", 0.5),
                parts[0], parts[1], parts[2]);
        b.output(b.linear("proj", attn, 6));
        return b.build();
    }

    private static PruningConfig config() {
        return PruningConfig.builder().setImportance(new MagnitudeImportance()).optNumHeads("qkv", HEADS)
                .optPruneNumHeads(true).optPruneHeadDims(false).optHeadRatio(0.5).build();
    }

    /** The qkv rows of head h: q rows h·D.., k rows C + h·D.., v rows 2C + h·D... */
    private static int[] rowsOfHead(int h) {
        return IntStream.range(0, 3).flatMap(part -> IntStream.range(part * C + h * D, part * C + (h + 1) * D))
                .toArray();
    }

    @Test
    void aHeadsRootChannelsAreItsQueryKeyAndValueRowsAndItsScoreTheirMean() {
        try (Graph g = packed()) {
            assertThat(g.node("attn").op().attentionHeads(g.node("attn"))).hasValue(HEADS);
            assertThat(g.node("qkv").op().attentionHeads(g.node("qkv"))).isEmpty();
            DependencyGraph dg = DependencyGraph.build(g);
            PruningConfig config = config();
            Group group = dg.getPruningGroup(g.node("qkv"), PruningHandle.PRUNE_OUT, IndexSet.range(3 * C));
            // head 0: q rows 9, k and v rows 0 (mean 3); head 1: every row 4 (mean 4). Taken as
            // runs of the 24 root channels, or by their q rows alone, head 1 would be the weakest.
            double[] scores = new double[3 * C];
            Arrays.fill(scores, 4);
            for (int r : rowsOfHead(0)) {
                scores[r] = r < C ? 9 : 0;
            }
            HeadPruning heads = new HeadPruning(config, new ChannelGrouping(config), dg);
            HeadPruning.Heads h = heads.scores(group, scores).orElseThrow();
            heads.selectAll(List.of(h), 0.5);
            assertThat(h.chosenChannels().toArray()).containsExactly(rowsOfHead(0));
        }
    }

    @Test
    void theMetaPrunerRemovesTheWeakestWholeHeadThroughThePackedProjection() {
        try (Graph g = packed(); NDManager m = NDManager.newBaseManager()) {
            float[] w = new float[3 * C * 6];
            for (int r = 0; r < 3 * C; r++) {
                // head 1's rows are small in q and large in k and v: its mean L2 norm is the larger
                float scale = r % C >= D ? (r < C ? 0.1f : 3f) : 1f;
                for (int c = 0; c < 6; c++) {
                    w[r * 6 + c] = scale * (1 + 0.1f * c + 0.01f * r);
                }
            }
            DefaultGraph dg = (DefaultGraph) g;
            Weights.set(dg, "qkv", "weight", w, new Shape(3 * C, 6));
            Weights.set(dg, "qkv", "bias", new float[3 * C], new Shape(3 * C));
            float[] ones = new float[6 * C];
            Arrays.fill(ones, 1);
            Weights.set(dg, "proj", "weight", ones, new Shape(6, C));
            float[][] before = WeightRows.rowsOf(g, "qkv");

            new MetaPruner().start(g, config()).step();

            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(1);
            assertThat(g.node("qkv").parameter("weight").shape()).isEqualTo(new Shape(3 * D, 6));
            assertThat(g.node("proj").parameter("weight").shape()).isEqualTo(new Shape(6, D));
            assertThat(WeightRows.kept(before, g, "qkv")).containsExactlyElementsOf(
                    Arrays.stream(rowsOfHead(1)).boxed().toList());
            NDList out = new GraphExecutor(g).forward(new NDList(m.ones(new Shape(1, 4, 6))));
            assertThat(out.head().getShape()).isEqualTo(new Shape(1, 4, 6));
        }
    }
}
