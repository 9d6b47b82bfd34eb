package ai.bonsai.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.Resources;
import ai.bonsai.core.testing.TinyResNet;
import ai.bonsai.core.testing.TorchPruningSetting;
import ai.bonsai.core.testing.WeightRows;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every reference setting on the tiny_resnet fixture: kept channels, shapes, parameters and MACs
 * equal Torch-Pruning 1.6's.
 */
class TinyResNetSettingsParityTest {

    @ParameterizedTest
    @EnumSource(TorchPruningSetting.class)
    void matchesTorchPruning(TorchPruningSetting setting) {
        JsonNode ref = Resources.json("reference/tiny_resnet__" + setting.tag() + ".json");
        try (DefaultGraph g = (DefaultGraph) TinyResNet.build()) {
            Fixtures.loadWeights(g, "tiny_resnet");
            Map<String, float[][]> original = WeightRows.snapshot(g, ref.get("kept_out_channels"));

            new MetaPruner().start(g, setting.config(g, "tiny_resnet", "fc")).step();

            ModelCost after = OpCounter.count(g);
            ref.get("kept_out_channels").fields().forEachRemaining(e -> {
                List<Integer> expected = new ArrayList<>();
                e.getValue().forEach(i -> expected.add(i.asInt()));
                assertThat(WeightRows.kept(original.get(e.getKey()), g, e.getKey()))
                        .as("kept output channels of " + e.getKey()).isEqualTo(expected);
            });
            ref.get("shapes_after").fields().forEachRemaining(e ->
                    assertThat(g.parameters().get(e.getKey()).shape().getShape())
                            .as(e.getKey()).containsExactly(Fixtures.longs(e.getValue())));
            assertThat(after.params()).isEqualTo(ref.get("params_after").asLong());
            assertThat(after.macs()).isEqualTo(ref.get("macs_after").asLong());
        }
    }
}
