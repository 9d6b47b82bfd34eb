package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.core.plugin.PluginHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDiscoveryTest {

    @TempDir
    Path plugins;

    @Test
    void theFivePluginJarsAreDiscoveredFromAFolder() throws Exception {
        assertThat(TestPlugins.copyInto(plugins)).hasSize(5)
                .allMatch(name -> name.startsWith("bonsai-plugin-"));

        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            assertThat(host.pluginIds()).containsExactly("bonsai-diffusion", "bonsai-llm",
                    "bonsai-onnx", "bonsai-vision", "bonsai-yolo");
            ModelAdapter adapter = host.adapterFor("resnet18");
            assertThat(adapter.name()).isEqualTo("torchvision");
            assertThat(host.adapters().get("torchvision").architectures())
                    .contains("resnet18", "resnet34", "resnet50", "vgg16_bn", "mobilenet_v2");
            assertThat(adapter.getClass().getClassLoader())
                    .isNotSameAs(PluginDiscoveryTest.class.getClassLoader());
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
