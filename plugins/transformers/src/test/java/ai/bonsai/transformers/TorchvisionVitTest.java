package ai.bonsai.transformers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Torchvision's ViT built in Java: the {@code tiny_vit} fixture and its Torch-Pruning reference. */
class TorchvisionVitTest {

    private static Graph tinyVit() {
        Map<String, String> options = Map.of("image_size", "32", "patch_size", "8", "num_layers", "2",
                "num_heads", "4", "hidden_dim", "64", "mlp_dim", "128", "num_classes", "10",
                "weights", Fixtures.dir("").resolve("tiny_vit.safetensors").toString());
        return new TorchvisionVitAdapter().build(new ModelSpec("vit_custom", new Shape(1, 3, 32, 32), options),
                Fixtures.host().newGraphBuilder("tiny_vit", 0));
    }

    @Test
    void forwardMatchesPyTorch() {
        try (Graph g = tinyVit(); NDManager m = NDManager.newBaseManager()) {
            Path dir = Fixtures.dir("");
            NDArray input = Safetensors.read(dir.resolve("tiny_vit.input.safetensors"), m).get("input");
            NDArray expected = Safetensors.read(dir.resolve("tiny_vit.output.safetensors"), m).get("output");
            assertThat(OpCounter.count(g).params()).isEqualTo(81_226);
            float diff = Fixtures.maxDiff(Fixtures.forward(g, new NDList(input)), expected);
            System.out.printf("tiny_vit (torchvision) output differs from PyTorch's by %.2e%n", diff);
            assertThat(diff).isLessThan(1e-4f);
        }
    }

    @Test
    void halfOfEveryGroupWithHeadsAsChannelGroupsGivesTheReference() throws Exception {
        JsonNode reference = new ObjectMapper().readTree(
                TorchvisionVitTest.class.getResource("/reference/tiny_vit__l2_local50.json"));
        try (Graph g = tinyVit()) {
            new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance()).optRatio(0.5)
                    .optIgnoredLayers(List.of("heads.head"))
                    .optOutChannelGroups("encoder.layers.*.self_attention", 4).build()).step();
            assertThat(OpCounter.count(g).params()).isEqualTo(reference.get("params_after").asLong());
            Map<String, List<Long>> expected = new LinkedHashMap<>();
            reference.get("shapes_after").fields().forEachRemaining(e -> {
                List<Long> dims = new ArrayList<>();
                e.getValue().forEach(d -> dims.add(d.asLong()));
                expected.put(e.getKey(), dims);
            });
            Map<String, List<Long>> actual = new LinkedHashMap<>();
            g.parameters().forEach((name, p) -> {
                List<Long> dims = new ArrayList<>();
                for (long d : p.shape().getShape()) {
                    dims.add(d);
                }
                actual.put(name, dims);
            });
            assertThat(actual).isEqualTo(expected);
            assertKeptChannels(g, reference.get("kept_out_channels"));
            assertThat(g.node("encoder.layers.encoder_layer_0.self_attention").attributes().getLong("num_heads"))
                    .isEqualTo(4);
            try (NDManager m = NDManager.newBaseManager()) {
                assertThat(Fixtures.forward(g, new NDList(m.randomNormal(new Shape(1, 3, 32, 32)))).getShape())
                        .isEqualTo(new Shape(1, 10));
            }
        }
    }

    /** Each pruned layer's 1-D parameter (bias, or a norm's weight) is the original at the reference's kept indices. */
    private static void assertKeptChannels(Graph g, JsonNode kept) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> original = Safetensors.read(Fixtures.dir("").resolve("tiny_vit.safetensors"), m);
            kept.fields().forEachRemaining(e -> {
                String layer = e.getKey();
                String param = layer.endsWith("self_attention") ? layer + ".out_proj.bias"
                        : g.node(layer).op().name().equals("layer_norm") ? layer + ".weight" : layer + ".bias";
                float[] before = original.get(param).toFloatArray();
                float[] after = g.parameters().get(param).array().toFloatArray();
                float[] expected = new float[e.getValue().size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = before[e.getValue().get(i).asInt()];
                }
                assertThat(after).as(layer).containsExactly(expected);
            });
        }
    }
}
