package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.Resources;
import ai.bonsai.core.testing.WeightRows;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ONNX fixtures import into graphs that run to PyTorch's output and prune exactly as
 * Torch-Pruning's reference (tiny_mlp: up to its swapped split mapping, as TinyMlpParityTest).
 */
class OnnxParityTest {

    @Test
    void tinyResNetImportsWithModuleNamesAndRunsToPyTorchOutput() {
        try (Graph g = OnnxFixtures.read(OnnxFixtures.onnx("tiny_resnet"))) {
            assertThat(g.node("conv1").op().name()).isEqualTo("conv2d");
            assertThat(g.node("dw").attributes().getLong("groups")).isEqualTo(16);
            assertThat(g.node("bn1").op().name()).isEqualTo("batch_norm");
            assertThat(g.node("fc").op().name()).isEqualTo("linear");
            assertThat(g.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES, "")
                    .containsEntry(OnnxMetadata.NODE_NAMES_PREFIX + "conv1", "/conv1/Conv")
                    .containsEntry(OnnxMetadata.OPSET, "13");
            assertThat(Fixtures.maxAbsDiffToPyTorch(g, "tiny_resnet")).isLessThan(1e-4f);
        }
    }

    @Test
    void tinyMlpDecomposedLayerNormAndGeluBecomeOneNodeEach() {
        try (Graph g = OnnxFixtures.read(OnnxFixtures.onnx("tiny_mlp"))) {
            assertThat(g.node("ln").op().name()).isEqualTo("layer_norm");
            assertThat(g.node("act1").op().name()).isEqualTo("gelu");
            assertThat(g.nodes()).extracting(n -> n.op().name()).containsExactly("linear",
                    "layer_norm", "gelu", "linear", "relu", "split", "linear", "linear", "concat",
                    "linear");
            assertThat(Fixtures.maxAbsDiffToPyTorch(g, "tiny_mlp")).isLessThan(1e-4f);
        }
    }

    @Test
    void tinyResNetL2Local50MatchesTorchPruning() {
        JsonNode ref = Resources.json("reference/tiny_resnet__l2_local50.json");
        try (Graph g = OnnxFixtures.read(OnnxFixtures.onnx("tiny_resnet"))) {
            ModelCost before = OpCounter.count(g);
            assertThat(before.params()).isEqualTo(ref.get("params_before").asLong());
            assertThat(before.macs()).isEqualTo(ref.get("macs_before").asLong());
            Map<String, float[][]> original = WeightRows.snapshot(g, ref.get("kept_out_channels"));

            prune(g, "fc");

            ModelCost after = OpCounter.count(g);
            assertThat(after.params()).isEqualTo(ref.get("params_after").asLong());
            assertThat(after.macs()).isEqualTo(ref.get("macs_after").asLong());
            ref.get("shapes_after").fields().forEachRemaining(e -> {
                if (!e.getKey().endsWith("num_batches_tracked")) {
                    assertThat(g.parameters().get(e.getKey()).shape().getShape())
                            .as(e.getKey()).containsExactly(Fixtures.longs(e.getValue()));
                }
            });
            ref.get("kept_out_channels").fields().forEachRemaining(e ->
                    assertThat(WeightRows.kept(original.get(e.getKey()), g, e.getKey()))
                            .as("kept output channels of " + e.getKey()).isEqualTo(ints(e.getValue())));
        }
    }

    static void prune(Graph g, String ignored) {
        new MetaPruner().start(g, PruningConfig.builder()
                .setImportance(new MagnitudeImportance())
                .optRatio(0.5)
                .optIgnoredLayers(List.of(ignored))
                .build()).step();
    }

    private static List<Integer> ints(JsonNode arr) {
        List<Integer> l = new ArrayList<>();
        arr.forEach(i -> l.add(i.asInt()));
        return l;
    }
}
