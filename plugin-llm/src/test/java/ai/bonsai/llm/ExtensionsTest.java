package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.plugin.PluginHost;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin's extensions are indexed for PF4J and found by the host; the adapter checks its spec. */
class ExtensionsTest {

    @Test
    void everyExtensionIsInThePf4jIndexAndFoundByTheHost() throws IOException {
        List<String> indexed = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream in = url.openStream()) {
                indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        assertThat(indexed).contains(HfDecoderAdapter.class.getName(), HfDecoderFormat.class.getName(),
                RmsNormOp.class.getName(), HeadRmsNormOp.class.getName(), RotaryOp.class.getName(),
                EmbeddingLookupOp.class.getName(), TiedLmHeadOp.class.getName(),
                SlidingWindowMaskOp.class.getName());
        PluginHost host = PluginHost.classpathOnly();
        assertThat(host.adapterFor("qwen3")).isInstanceOf(HfDecoderAdapter.class);
        assertThat(host.formats().get("hf-decoder")).isInstanceOf(HfDecoderFormat.class);
        assertThat(host.opTypes().get("llm.rotary")).isInstanceOf(RotaryOp.class);
    }

    @Test
    void theFormatClaimsOnlyFoldersOfSupportedModelTypes() {
        HfDecoderFormat format = new HfDecoderFormat();
        assertThat(format.supports(Models.fixture("tiny_qwen2"))).isTrue();
        assertThat(format.supports(Models.fixture("tiny_qwen2").resolve("config.json"))).isFalse();
        assertThat(format.supports(Path.of("no-such-folder"))).isFalse();
    }

    @Test
    void theAdapterChecksArchitectureOptionsAndShape() {
        String path = Models.fixture("tiny_llama").toString();
        HfDecoderAdapter adapter = new HfDecoderAdapter();
        assertThatThrownBy(() -> adapter.build(new ModelSpec("qwen2", Models.IDS, Map.of("path", path)),
                PluginHost.classpathOnly().newGraphBuilder("x", 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model.architecture: 'qwen2' does not match model_type 'llama' of " + path);
        assertThatThrownBy(() -> adapter.build(new ModelSpec("llama", Models.IDS, Map.of("dir", path)),
                PluginHost.classpathOnly().newGraphBuilder("x", 0)))
                .hasMessage("model.options.dir: unknown option for adapter 'hf-decoder'; known: [path, weights]");
        assertThatThrownBy(() -> adapter.build(new ModelSpec("llama", new ai.djl.ndarray.types.Shape(12),
                Map.of("path", path)), PluginHost.classpathOnly().newGraphBuilder("x", 0)))
                .hasMessage("model.inputShape: must be token ids (B, T), found (12)");
    }
}
