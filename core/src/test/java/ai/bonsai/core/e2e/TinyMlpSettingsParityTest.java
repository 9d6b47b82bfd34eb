package ai.bonsai.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.Resources;
import ai.bonsai.core.testing.TinyMlp;
import ai.bonsai.core.testing.TorchPruningSetting;
import ai.bonsai.core.testing.WeightRows;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every reference setting on the tiny_mlp fixture.
 *
 * <p>Torch-Pruning 1.6 attributes the split's two outputs to its consumers in reverse order (see
 * {@link TinyMlpParityTest}). Two checks follow from that:
 *
 * <ul>
 *   <li>on {@link TinyMlp#buildAsTorchPruningSeesIt() the twin wired that way} (Taylor's
 *       gradients still taken from the fixture's own graph), every setting reproduces the
 *       reference exactly: kept channels, every shape, parameters and MACs;</li>
 *   <li>on the fixture's graph, with the correct mapping, only fc2's group scores differ; under
 *       local ranking everything else is exact (kept channels of fc1/ln, fc3, fc4, parameters and
 *       MACs; fc3/fc4 input widths follow the correct split, 16/16 for L2, against the
 *       reference's swapped widths). Under global ranking fc2's scores move the shared
 *       threshold, so the fixture's graph prunes differently from the reference (l2_global50:
 *       2,631 parameters against 2,666; lamp_global50: 2,186 against 2,203).</li>
 * </ul>
 */
class TinyMlpSettingsParityTest {

    /** Layers whose weights cannot identify channels (a fresh LayerNorm is all ones). */
    private static final Map<String, String> COUPLED_TO = Map.of("ln", "fc1");

    /** The layer whose kept channels the swapped split mapping decides: fc2, the split's producer. */
    private static final Set<String> SPLIT_GROUP = Set.of("fc2");

    @ParameterizedTest
    @EnumSource(TorchPruningSetting.class)
    void twinWiredAsTorchPruningSeesItMatchesExactly(TorchPruningSetting setting) {
        JsonNode ref = Resources.json("reference/tiny_mlp__" + setting.tag() + ".json");
        try (Graph g = TinyMlp.buildAsTorchPruningSeesIt(); Graph fixture = TinyMlp.build()) {
            Fixtures.loadWeights(g, "tiny_mlp");
            Fixtures.loadWeights(fixture, "tiny_mlp");
            Map<String, float[][]> original = WeightRows.snapshot(g, ref.get("kept_out_channels"));

            new MetaPruner().start(g, setting.config(g, fixture, "tiny_mlp", "out")).step();

            assertKept(ref, original, g, Set.of());
            ref.get("shapes_after").fields().forEachRemaining(e ->
                    assertThat(g.parameters().get(e.getKey()).shape().getShape())
                            .as(e.getKey()).containsExactly(Fixtures.longs(e.getValue())));
            assertCounts(ref, g);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TorchPruningSetting.class, names = ".*LOCAL50", mode = EnumSource.Mode.MATCH_ANY)
    void fixtureGraphDiffersOnlyInTheSplitGroupUnderLocalRanking(TorchPruningSetting setting) {
        JsonNode ref = Resources.json("reference/tiny_mlp__" + setting.tag() + ".json");
        try (Graph g = TinyMlp.build()) {
            Fixtures.loadWeights(g, "tiny_mlp");
            Map<String, float[][]> original = WeightRows.snapshot(g, ref.get("kept_out_channels"));

            new MetaPruner().start(g, setting.config(g, "tiny_mlp", "out")).step();

            assertKept(ref, original, g, SPLIT_GROUP);
            if (ref.get("kept_out_channels").has("fc2")) {
                assertThat(g.node("fc2").parameter("weight").shape().get(0))
                        .isEqualTo(ref.get("kept_out_channels").get("fc2").size());
                long[] sizes = g.node("split").attributes().getLongs("sizes");
                assertThat(sizes[0] + sizes[1]).isEqualTo(ref.get("kept_out_channels").get("fc2").size());
            }
            assertCounts(ref, g);
        }
    }

    private static void assertKept(JsonNode ref, Map<String, float[][]> original, Graph g,
            Set<String> skipped) {
        JsonNode kept = ref.get("kept_out_channels");
        kept.fields().forEachRemaining(e -> {
            String layer = e.getKey();
            if (skipped.contains(layer)) {
                return;
            }
            if (COUPLED_TO.containsKey(layer)) {
                assertThat(e.getValue()).as(layer).isEqualTo(kept.get(COUPLED_TO.get(layer)));
                return;
            }
            List<Integer> expected = new ArrayList<>();
            e.getValue().forEach(i -> expected.add(i.asInt()));
            assertThat(WeightRows.kept(original.get(layer), g, layer))
                    .as("kept output channels of " + layer).isEqualTo(expected);
        });
    }

    private static void assertCounts(JsonNode ref, Graph g) {
        ModelCost after = OpCounter.count(g);
        assertThat(after.params()).isEqualTo(ref.get("params_after").asLong());
        assertThat(after.macs()).isEqualTo(ref.get("macs_after").asLong());
    }
}
