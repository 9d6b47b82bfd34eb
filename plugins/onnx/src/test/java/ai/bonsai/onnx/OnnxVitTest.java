package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.Resources;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Torchvision's ViT exported by PyTorch ({@code tiny_vit}): the attention's export becomes core's
 * {@code multihead_attention}, the class token and position embeddings {@code parameter} nodes, so
 * one group couples the hidden size with every attention's heads, and pruning with Torch-Pruning's
 * settings (heads as channel groups) gives its reference exactly; the pruned file runs in ONNX
 * Runtime.
 */
class OnnxVitTest {

    private static final String ATTENTION = "encoder.layers.encoder_layer_0.self_attention";

    @TempDir
    Path dir;

    @Test
    void importsAsTorchvisionModulesAndRunsToPyTorchOutput() throws Exception {
        try (Graph g = OnnxFixtures.read(OnnxFixtures.onnx("tiny_vit")); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.node(ATTENTION).op().name()).isEqualTo("multihead_attention");
            assertThat(g.node(ATTENTION).attributes().getLong("num_heads")).isEqualTo(4);
            assertThat(g.node("encoder.layers.encoder_layer_1.self_attention").op().name())
                    .isEqualTo("multihead_attention");
            assertThat(g.node("class_token").op().name()).isEqualTo("parameter");
            assertThat(g.node("encoder.pos_embedding").op().name()).isEqualTo("parameter");
            assertThat(g.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES, "");
            assertThat(g.nodes()).extracting(n -> n.op().name()).doesNotContain("matmul", "softmax", "onnx_constant");
            JsonNode ref = Resources.json("reference/tiny_vit__l2_local50.json");
            assertThat(OpCounter.count(g).params()).isEqualTo(ref.get("params_before").asLong());
            ref.get("shapes_before").fields().forEachRemaining(e -> assertThat(
                    g.parameters().get(e.getKey()).shape().getShape()).as(e.getKey())
                    .containsExactly(Fixtures.longs(e.getValue())));
            assertThat(Fixtures.maxAbsDiffToPyTorch(g, "tiny_vit")).isLessThan(1e-4f);

            Path written = dir.resolve("tiny_vit.bonsai.onnx");
            new OnnxFormat().write(g, written);
            NDArray input = Fixtures.input("tiny_vit", m);
            float[] expected = new GraphExecutor(g).forward(new NDList(input)).head().toFloatArray();
            assertThat(Ort.maxAbsDiff(Ort.run(written, "input", input), expected)).isLessThan(1e-4f);
            try (Graph again = OnnxFixtures.read(written)) {
                assertThat(again.node(ATTENTION).op().name()).as("written and read back").isEqualTo("multihead_attention");
                assertThat(OpCounter.count(again).params()).isEqualTo(ref.get("params_before").asLong());
            }
        }
    }

    /**
     * Torch-Pruning's setting, with the heads given as channel groups (its {@code channel_groups})
     * or as the plan's {@code pruner.num_heads} (which groups the channels the same way).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void headsAsChannelGroupsGiveTorchPruningsReferenceAndThePrunedFileRunsInOnnxRuntime(boolean channelGroups)
            throws Exception {
        JsonNode ref = Resources.json("reference/tiny_vit__l2_local50.json");
        try (Graph g = OnnxFixtures.read(OnnxFixtures.onnx("tiny_vit")); NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> before = vectors(g, ref.get("kept_out_channels"));
            PruningConfig.Builder config = PruningConfig.builder().setImportance(new MagnitudeImportance())
                    .optRatio(0.5).optIgnoredLayers(List.of("heads.head"));
            if (channelGroups) {
                config.optOutChannelGroups("encoder.layers.*.self_attention", 4);
            } else {
                config.optNumHeads("encoder.layers.*.self_attention", 4);
            }
            new MetaPruner().start(g, config.build()).step();

            assertThat(OpCounter.count(g).params()).isEqualTo(ref.get("params_after").asLong());
            assertThat(g.parameters()).hasSize(ref.get("shapes_after").size());
            ref.get("shapes_after").fields().forEachRemaining(e -> assertThat(
                    g.parameters().get(e.getKey()).shape().getShape()).as(e.getKey())
                    .containsExactly(Fixtures.longs(e.getValue())));
            ref.get("mha_after").fields().forEachRemaining(e -> {
                assertThat(g.node(e.getKey()).attributes().getLong("num_heads")).isEqualTo(e.getValue().get("num_heads").asLong());
                assertThat(g.node(e.getKey()).attributes().getLong("embed_dim")).isEqualTo(e.getValue().get("embed_dim").asLong());
            });
            ref.get("kept_out_channels").fields().forEachRemaining(e -> {
                float[] was = before.get(e.getKey());
                float[] expected = new float[e.getValue().size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = was[e.getValue().get(i).asInt()];
                }
                assertThat(vector(g, e.getKey())).as("kept output channels of " + e.getKey()).containsExactly(expected);
            });

            Path written = dir.resolve("tiny_vit.pruned.onnx");
            new OnnxFormat().write(g, written);
            NDArray input = Fixtures.input("tiny_vit", m);
            float[] djl = new GraphExecutor(g).forward(new NDList(input)).head().toFloatArray();
            float diff = Ort.maxAbsDiff(Ort.run(written, "input", input), djl);
            System.out.printf("tiny_vit pruned 81,226 -> 24,234 params: ONNX Runtime vs DJL max |diff| %.2e%n", diff);
            assertThat(diff).isLessThan(1e-4f);
        }
    }

    /** The 1-D parameter that shows a layer's output channels: a bias, a norm's weight, out_proj's bias. */
    private static float[] vector(Graph g, String layer) {
        Node n = g.node(layer);
        String local = n.op().name().equals("multihead_attention") ? "out_proj.bias"
                : n.op().name().equals("layer_norm") ? "weight" : "bias";
        return n.parameter(local).array().toFloatArray();
    }

    private static Map<String, float[]> vectors(Graph g, JsonNode layers) {
        Map<String, float[]> copy = new HashMap<>();
        layers.fieldNames().forEachRemaining(layer -> copy.put(layer, vector(g, layer)));
        return copy;
    }
}
