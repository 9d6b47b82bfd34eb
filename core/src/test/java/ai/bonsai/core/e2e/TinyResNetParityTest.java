package ai.bonsai.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.Resources;
import ai.bonsai.core.testing.TinyResNet;
import ai.bonsai.core.testing.WeightRows;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tiny_resnet fixture: PyTorch's output, and Torch-Pruning's l2_local50 result. */
class TinyResNetParityTest {

    @Test
    void runsToPyTorchOutput() {
        try (DefaultGraph g = (DefaultGraph) TinyResNet.build()) {
            Fixtures.loadWeights(g, "tiny_resnet");
            assertThat(Fixtures.maxAbsDiffToPyTorch(g, "tiny_resnet")).isLessThan(1e-4f);
        }
    }

    @Test
    void l2Local50KeepsTorchPruningsChannelsAndCounts() {
        JsonNode ref = Resources.json("reference/tiny_resnet__l2_local50.json");
        try (DefaultGraph g = (DefaultGraph) TinyResNet.build()) {
            Fixtures.loadWeights(g, "tiny_resnet");
            ModelCost before = OpCounter.count(g);
            assertThat(before.params()).isEqualTo(ref.get("params_before").asLong());
            assertThat(before.macs()).isEqualTo(ref.get("macs_before").asLong());
            Map<String, float[][]> original = WeightRows.snapshot(g, ref.get("kept_out_channels"));

            new MetaPruner().start(g, PruningConfig.builder()
                    .setImportance(new MagnitudeImportance())
                    .optRatio(0.5)
                    .optIgnoredLayers(List.of("fc"))
                    .build()).step();

            ModelCost after = OpCounter.count(g);
            assertThat(after.params()).isEqualTo(ref.get("params_after").asLong());
            assertThat(after.macs()).isEqualTo(ref.get("macs_after").asLong());
            ref.get("shapes_after").fields().forEachRemaining(e ->
                    assertThat(g.parameters().get(e.getKey()).shape().getShape())
                            .as(e.getKey()).containsExactly(Fixtures.longs(e.getValue())));
            ref.get("kept_out_channels").fields().forEachRemaining(e -> {
                List<Integer> kept = WeightRows.kept(original.get(e.getKey()), g, e.getKey());
                List<Integer> expected = new ArrayList<>();
                e.getValue().forEach(i -> expected.add(i.asInt()));
                assertThat(kept).as("kept output channels of " + e.getKey()).isEqualTo(expected);
            });
        }
    }
}
