package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.plugin.PluginHost;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxFormatTest {

    @Test
    void theFormatAndOpTypesAreFoundThroughThePf4jExtensionIndex() throws IOException {
        List<String> indexed = new ArrayList<>();
        for (URL url : Collections.list(
                getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream in = url.openStream()) {
                indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        assertThat(indexed).contains(OnnxFormat.class.getName(), OnnxOpaqueOp.class.getName(),
                OnnxConstantOp.class.getName(), OnnxSinOp.class.getName(), OnnxCosOp.class.getName(),
                OnnxCastOp.class.getName(), OnnxRelativePositionBiasOp.class.getName());
        PluginHost host = PluginHost.classpathOnly();
        assertThat(host.formats().get("onnx")).isInstanceOf(OnnxFormat.class);
        assertThat(host.opTypes().get("onnx_opaque")).isInstanceOf(OnnxOpaqueOp.class);
        assertThat(host.opTypes().get("onnx_constant")).isInstanceOf(OnnxConstantOp.class);
        assertThat(host.opTypes().get("onnx_cast")).isInstanceOf(OnnxCastOp.class);
        assertThat(host.opTypes().get(OnnxRelativePositionBiasOp.NAME)).isInstanceOf(OnnxRelativePositionBiasOp.class);
    }

    @Test
    void supportsOnnxFilesByExtension() {
        OnnxFormat f = new OnnxFormat();
        assertThat(f.name()).isEqualTo("onnx");
        assertThat(f.supports(Path.of("dir/model.onnx"))).isTrue();
        assertThat(f.supports(Path.of("MODEL.ONNX"))).isTrue();
        assertThat(f.supports(Path.of("model.safetensors"))).isFalse();
    }
}
