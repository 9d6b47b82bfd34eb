package ai.bonsai.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.Resources;
import ai.bonsai.core.testing.SplitScores;
import ai.bonsai.core.testing.TinyMlp;
import ai.bonsai.core.testing.WeightRows;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tiny_mlp fixture (layer norm, split along features, concat): PyTorch's output, and
 * Torch-Pruning's l2_local50 result.
 */
class TinyMlpParityTest {

    /**
     * Torch-Pruning 1.6 attributes the split's outputs to its consumers in swapped order: fc2's
     * channels 0-31 are scored with fc4's input columns and channels 32-63 with fc3's, and fc3's
     * inputs are pruned with the indices of the second half, so the reference's pruned model
     * splits fc2's 32 kept channels into [20, 12] and feeds fc3 channels that came from the first
     * half. Bonsai maps split output k to {@code [offset_k, offset_k + sizes[k])}. The test proves
     * both facts from the fixture's weights: the reference's fc2 channels are the top 32 under the
     * swapped pairing, and Bonsai's are the top 32 under the correct one.
     */
    private static final String SPLIT_PRODUCER = "fc2";

    /** Shapes following from the correct split mapping: 16 kept channels per half. */
    private static final Map<String, long[]> SHAPES_UNLIKE_TORCH_PRUNING = Map.of(
            "fc3.weight", new long[] {8, 16}, "fc4.weight", new long[] {8, 16});

    /**
     * Layers whose weights cannot identify channels (a fresh LayerNorm's weight is all ones), with
     * the layer of their group whose kept channels they share.
     */
    private static final Map<String, String> COUPLED_TO = Map.of("ln", "fc1");

    @Test
    void runsToPyTorchOutput() {
        try (DefaultGraph g = (DefaultGraph) TinyMlp.build()) {
            Fixtures.loadWeights(g, "tiny_mlp");
            assertThat(Fixtures.maxAbsDiffToPyTorch(g, "tiny_mlp")).isLessThan(1e-4f);
        }
    }

    @Test
    void l2Local50MatchesTorchPruningUpToItsSwappedSplitMapping() {
        JsonNode ref = Resources.json("reference/tiny_mlp__l2_local50.json");
        try (DefaultGraph g = (DefaultGraph) TinyMlp.build(); NDManager m = NDManager.newBaseManager()) {
            Fixtures.loadWeights(g, "tiny_mlp");
            ModelCost before = OpCounter.count(g);
            assertThat(before.params()).isEqualTo(ref.get("params_before").asLong());
            assertThat(before.macs()).isEqualTo(ref.get("macs_before").asLong());
            Map<String, float[][]> original = WeightRows.snapshot(g, ref.get("kept_out_channels"));
            List<Integer> correct = SplitScores.topHalf(g, false);
            assertThat(SplitScores.topHalf(g, true)).as("reference fc2 channels = top 32 with swapped split outputs")
                    .isEqualTo(ints(ref.get("kept_out_channels").get(SPLIT_PRODUCER)));

            new MetaPruner().start(g, PruningConfig.builder()
                    .setImportance(new MagnitudeImportance())
                    .optRatio(0.5)
                    .optIgnoredLayers(List.of("out"))
                    .build()).step();

            ModelCost after = OpCounter.count(g);
            assertThat(after.params()).isEqualTo(ref.get("params_after").asLong());
            assertThat(after.macs()).isEqualTo(ref.get("macs_after").asLong());
            ref.get("shapes_after").fields().forEachRemaining(e ->
                    assertThat(g.parameters().get(e.getKey()).shape().getShape())
                            .as(e.getKey()).containsExactly(SHAPES_UNLIKE_TORCH_PRUNING
                                    .getOrDefault(e.getKey(), Fixtures.longs(e.getValue()))));
            assertThat(g.node("split").attributes().getLongs("sizes")).containsExactly(16, 16);
            JsonNode keptRef = ref.get("kept_out_channels");
            keptRef.fields().forEachRemaining(e -> {
                String layer = e.getKey();
                if (COUPLED_TO.containsKey(layer)) {
                    assertThat(e.getValue()).as(layer).isEqualTo(keptRef.get(COUPLED_TO.get(layer)));
                    return;
                }
                List<Integer> expected = new ArrayList<>();
                e.getValue().forEach(i -> expected.add(i.asInt()));
                assertThat(WeightRows.kept(original.get(layer), g, layer))
                        .as("kept output channels of " + layer)
                        .isEqualTo(layer.equals(SPLIT_PRODUCER) ? correct : expected);
            });

            NDArray input = Fixtures.input("tiny_mlp", m);
            NDArray out = new GraphExecutor(g).forward(new NDList(input)).head();
            assertThat(out.getShape()).isEqualTo(new Shape(1, 10));
        }
    }

    private static List<Integer> ints(JsonNode arr) {
        List<Integer> l = new ArrayList<>();
        arr.forEach(i -> l.add(i.asInt()));
        return l;
    }
}
