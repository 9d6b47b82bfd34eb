package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Query heads removed evenly inside every GQA group, key/value heads kept. */
class QueryHeadPruningTest {

    @TempDir
    Path dir;

    @Test
    void removesOneQueryHeadPerGroupAndEqualsTheOriginalWithThoseHeadsSilenced() {
        Path out = dir.resolve("out");
        try (Graph original = Models.read(Models.fixture("tiny_qwen3")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_qwen3", m);
            QueryHeadPruning.Result r = QueryHeadPruning.prune(original, 0.25,
                    PluginHost.classpathOnly().newGraphBuilder("q", 0));
            try (Graph pruned = r.graph()) {
                assertThat(GraphShapes.of(pruned).layers()).containsOnly(new LayerShape(6, 2, 16, 176));
                for (int[] heads : r.removed()) {
                    assertThat(heads).hasSize(2);
                    assertThat(heads[0]).isLessThan(4);
                    assertThat(heads[1]).isGreaterThanOrEqualTo(4);
                }
                assertSilencedOriginalAndReload(original, r, ids, out);
            }
        }
    }

    @Test
    void aLayerRangeRemovesQueryHeadsOnlyThereAndReloadsThroughPerLayerSizes() {
        Path out = dir.resolve("ranged");
        try (Graph original = Models.read(Models.fixture("tiny_qwen3")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_qwen3", m);
            QueryHeadPruning.Result r = QueryHeadPruning.prune(original, 0.25, 1, 3,
                    PluginHost.classpathOnly().newGraphBuilder("q", 0));
            try (Graph pruned = r.graph()) {
                assertThat(GraphShapes.of(pruned).layers()).containsExactly(new LayerShape(8, 2, 16, 176),
                        new LayerShape(6, 2, 16, 176), new LayerShape(6, 2, 16, 176), new LayerShape(8, 2, 16, 176));
                assertThat(r.removed().get(0)).isEmpty();
                assertThat(r.removed().get(3)).isEmpty();
                assertThat(r.removed().get(1)).hasSize(2);
                assertThat(r.removed().get(2)).hasSize(2);
                assertSilencedOriginalAndReload(original, r, ids, out);
            }
        }
    }

    /**
     * Asserts that the pruned graph computes what the original computes with the removed heads'
     * o_proj columns zeroed (head size 16), and that its export reloads with the same layer sizes
     * and logits.
     */
    private static void assertSilencedOriginalAndReload(Graph original, QueryHeadPruning.Result r,
            NDArray ids, Path out) {
        Graph pruned = r.graph();
        NDArray logits = Models.logits(pruned, ids);
        for (int i = 0; i < r.removed().size(); i++) {
            NDArray o = original.parameters().get(TensorLayout.layer(i) + "self_attn.o_proj.weight").array();
            for (int h : r.removed().get(i)) {
                o.set(new NDIndex(":, {}:{}", h * 16, (h + 1) * 16), 0f);
            }
        }
        assertThat(Models.maxAbsDiff(logits, Models.logits(original, ids))).isLessThan(1e-4f);
        new HfDecoderFormat().write(pruned, out);
        try (Graph back = Models.read(out)) {
            assertThat(GraphShapes.of(back).layers()).isEqualTo(GraphShapes.of(pruned).layers());
            assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
        }
    }

    @Test
    void aRatioThatEmptiesOrSparesEveryGroupIsRefused() {
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            assertThatThrownBy(() -> QueryHeadPruning.prune(g, 1.0, PluginHost.classpathOnly().newGraphBuilder("q", 0)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("pruner.head_ratio: 1.0 removes 4 of the 4 query heads of each group in layer 0;"
                            + " must be 1 to 3");
        }
    }
}
