package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.core.plugin.PluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDiscoveryTest {

    @TempDir
    Path plugins;

    @Test
    void theSixPluginJarsAreDiscoveredFromAFolder() throws Exception {
        assertThat(TestPlugins.copyInto(plugins)).hasSize(6)
                .allMatch(name -> name.startsWith("bonsai-plugin-"));

        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            assertThat(host.pluginIds()).containsExactly("bonsai-diffusion", "bonsai-llm",
                    "bonsai-onnx", "bonsai-transformers", "bonsai-vision", "bonsai-yolo");
            ModelAdapter adapter = host.adapterFor("resnet18");
            assertThat(adapter.name()).isEqualTo("torchvision");
            assertThat(host.adapters().get("torchvision").architectures())
                    .contains("resnet18", "resnet34", "resnet50", "vgg16_bn", "mobilenet_v2");
            assertThat(adapter.getClass().getClassLoader())
                    .isNotSameAs(PluginDiscoveryTest.class.getClassLoader());
        }
    }

    @Test
    void theTransformersPluginReadsHuggingFaceConfigsWithTheHostsJackson(@TempDir Path model) throws Exception {
        TestPlugins.copyInto(plugins);
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"bert\", \"architectures\":"
                + " [\"BertModel\"], \"hidden_size\": 8, \"num_attention_heads\": 2, \"num_hidden_layers\": 1,"
                + " \"intermediate_size\": 16, \"vocab_size\": 10, \"max_position_embeddings\": 4}");
        Files.write(model.resolve("model.safetensors"), new byte[0]);
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            assertThat(host.adapterFor("bert").name()).isEqualTo("transformers");
            assertThat(host.formats().get("hf-encoder").supports(model)).isTrue();
            assertThat(host.opTypes().names()).contains("attention", "transformers.padding_mask");
        }
    }

    @Test
    void theOnnxPluginBringsItsFormatAndOpTypesWithRelocatedProtobufInside() throws Exception {
        TestPlugins.copyInto(plugins);
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            ModelFormat onnx = host.formats().get("onnx");
            assertThat(onnx.supports(Path.of("model.onnx"))).isTrue();
            assertThat(host.opTypes().names()).contains("onnx_opaque", "onnx_constant");
            ClassLoader loader = onnx.getClass().getClassLoader();
            assertThat(loader).isNotSameAs(PluginDiscoveryTest.class.getClassLoader());
            assertThat(loader.loadClass("ai.bonsai.onnx.shaded.protobuf.Message").getClassLoader())
                    .as("protobuf travels relocated inside the plugin jar").isSameAs(loader);
        }
    }

    @Test
    void thePluginsAreNotOnTheTestClasspath() {
        assertThatThrownBy(() -> Class.forName("ai.bonsai.vision.TorchvisionAdapter"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("ai.bonsai.llm.LlmPlugin"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("ai.bonsai.onnx.OnnxFormat"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
