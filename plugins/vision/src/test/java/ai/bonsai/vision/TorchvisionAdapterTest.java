package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TorchvisionAdapterTest {

    private final TorchvisionAdapter adapter = new TorchvisionAdapter();

    @Test
    void listsItsArchitecturesSorted() {
        assertThat(adapter.name()).isEqualTo("torchvision");
        assertThat(adapter.architectures()).containsExactly(
                "mobilenet_v2", "resnet18", "resnet34", "resnet50", "resnext50_32x4d", "vgg16_bn");
    }

    @Test
    void numClassesSizesTheClassifier() {
        try (DefaultGraph g = TestGraphs.build("resnet18", Map.of("num_classes", "10"))) {
            assertThat(TestGraphs.dims(g.parameters().get("fc.weight").shape()))
                    .containsExactly(10L, 512L);
            assertThat(TestGraphs.dims(g.outputs().get(0).shape())).containsExactly(1L, 10L);
        }
    }

    @Test
    void rejectsAnUnknownArchitectureListingTheKnownOnes() {
        assertThatThrownBy(() -> build(ModelSpec.of("resnet19", TestGraphs.IMAGE)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model.architecture: unknown architecture 'resnet19' for adapter"
                        + " 'torchvision'; known: [mobilenet_v2, resnet18, resnet34, resnet50,"
                        + " resnext50_32x4d, vgg16_bn]");
    }

    @Test
    void rejectsBadOptionsAndInputs() {
        assertThatThrownBy(() -> build(new ModelSpec("resnet18", TestGraphs.IMAGE,
                Map.of("width", "2"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model.options.width: unknown option for adapter 'torchvision';"
                        + " known: [num_classes]");
        assertThatThrownBy(() -> build(new ModelSpec("resnet18", TestGraphs.IMAGE,
                Map.of("num_classes", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model.options.num_classes: must be at least 1, found 0");
        assertThatThrownBy(() -> build(ModelSpec.of("resnet18", new Shape(1, 1, 224, 224))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model.inputShape: must be an image batch (N, 3, H, W), found (1, 1, 224, 224)");
    }

    @Test
    void isFoundThroughThePf4jExtensionIndex() throws IOException {
        List<String> indexed = new ArrayList<>();
        for (URL url : Collections.list(
                getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream in = url.openStream()) {
                indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        assertThat(indexed).contains(TorchvisionAdapter.class.getName());
        assertThat(PluginHost.classpathOnly().adapterFor("mobilenet_v2"))
                .isInstanceOf(TorchvisionAdapter.class);
    }

    private void build(ModelSpec spec) {
        adapter.build(spec, PluginHost.classpathOnly().newGraphBuilder("g", 0));
    }
}
