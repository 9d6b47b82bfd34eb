package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsTheThreeFixtures() {
        LlmConfig llama = ConfigReader.read(Resources.path("fixtures/tiny_llama/config.json"));
        assertThat(llama.modelType()).isEqualTo("llama");
        assertThat(llama.hiddenSize()).isEqualTo(64);
        assertThat(llama.vocabSize()).isEqualTo(128);
        assertThat(llama.layers()).hasSize(4).containsOnly(new LayerShape(8, 2, 8, 176));
        assertThat(llama.tieWordEmbeddings()).isFalse();
        assertThat(llama.qkvBias()).isFalse();
        assertThat(llama.qkNorm()).isFalse();
        assertThat(llama.rope()).isEqualTo(RopeScaling.unscaled(10000));

        LlmConfig qwen2 = ConfigReader.read(Resources.path("fixtures/tiny_qwen2/config.json"));
        assertThat(qwen2.tieWordEmbeddings()).isTrue();
        assertThat(qwen2.qkvBias()).isTrue();
        assertThat(qwen2.outputBias()).isFalse();

        LlmConfig qwen3 = ConfigReader.read(Resources.path("fixtures/tiny_qwen3/config.json"));
        assertThat(qwen3.layers().get(0)).isEqualTo(new LayerShape(8, 2, 16, 176));
        assertThat(qwen3.qkNorm()).isTrue();
        assertThat(qwen3.rope().theta()).isEqualTo(1e6);
        assertThat(qwen3.uniform()).isTrue();
    }

    @Test
    void headDimDefaultsToHiddenOverHeadsAndKvHeadsToHeads() throws IOException {
        LlmConfig c = ConfigReader.read(config("{\"model_type\":\"mistral\",\"hidden_size\":32,"
                + "\"intermediate_size\":48,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                + "\"vocab_size\":10}"));
        assertThat(c.layers()).containsOnly(new LayerShape(4, 4, 8, 48));
    }

    @Test
    void readsRopeScalingLlama3AndLinear() throws IOException {
        LlmConfig c = ConfigReader.read(config(base("llama", "\"rope_theta\":500000.0,"
                + "\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,"
                + "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}")));
        assertThat(c.rope()).isEqualTo(new RopeScaling(500000, "llama3", 8, 1, 4, 8192));
        LlmConfig linear = ConfigReader.read(config(base("llama",
                "\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0}")));
        assertThat(linear.rope().inverseFrequencies(8))
                .containsExactly(0.5, 0.5 / 10, 0.5 / 100, 0.5 / 1000);
    }

    @Test
    void llama3ScalingKeepsHighFrequenciesAndDividesLowOnes() {
        RopeScaling r = new RopeScaling(500000, "llama3", 8, 1, 4, 8192);
        double[] plain = RopeScaling.unscaled(500000).inverseFrequencies(128);
        double[] scaled = r.inverseFrequencies(128);
        assertThat(scaled[0]).isEqualTo(plain[0]);
        assertThat(scaled[63]).isEqualTo(plain[63] / 8);
        for (int i = 0; i < 64; i++) {
            assertThat(scaled[i]).isBetween(plain[i] / 8, plain[i]);
        }
    }

    @Test
    void readsPerLayerSizesUnderTheBonsaiKey() throws IOException {
        LlmConfig c = ConfigReader.read(config(base("qwen3", "\"bonsai\":{\"layers\":["
                + "{\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":8,\"intermediate_size\":20},"
                + "{\"num_attention_heads\":6,\"num_key_value_heads\":3,\"head_dim\":8,\"intermediate_size\":30}]}")));
        assertThat(c.layers()).containsExactly(new LayerShape(4, 2, 8, 20), new LayerShape(6, 3, 8, 30));
        assertThat(c.uniform()).isFalse();
    }

    @Test
    void rejectsUnsupportedValuesNamingFileAndField() throws IOException {
        Path bad = config(base("gpt2", ""));
        assertThatThrownBy(() -> ConfigReader.read(bad)).isInstanceOf(ModelFormatException.class)
                .hasMessage("config.json '" + bad + "': field 'model_type': unsupported value 'gpt2';"
                        + " supported: [llama, mistral, qwen2, qwen3]");
        Path yarn = config(base("qwen2", "\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4.0}"));
        assertThatThrownBy(() -> ConfigReader.read(yarn))
                .hasMessage("config.json '" + yarn + "': field 'rope_scaling.rope_type': unsupported"
                        + " value 'yarn'; supported: [default, linear, llama3]");
        Path kv = config(base("llama", "\"num_key_value_heads\":3"));
        assertThatThrownBy(() -> ConfigReader.read(kv))
                .hasMessage("config.json '" + kv + "': field 'num_key_value_heads': 3 does not divide"
                        + " num_attention_heads 4");
        Path heads = config("{\"model_type\":\"llama\",\"hidden_size\":30,\"intermediate_size\":48,"
                + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"vocab_size\":10}");
        assertThatThrownBy(() -> ConfigReader.read(heads))
                .hasMessage("config.json '" + heads + "': field 'num_attention_heads': 4 does not"
                        + " divide hidden_size 30 and no head_dim is given");
        Path missing = config("{\"model_type\":\"llama\",\"hidden_size\":32}");
        assertThatThrownBy(() -> ConfigReader.read(missing))
                .hasMessage("config.json '" + missing + "': field 'num_hidden_layers': missing");
        Path act = config(base("llama", "\"hidden_act\":\"gelu\""));
        assertThatThrownBy(() -> ConfigReader.read(act))
                .hasMessage("config.json '" + act + "': field 'hidden_act': unsupported value 'gelu';"
                        + " supported: [silu]");
    }

    private static String base(String type, String extra) {
        return "{\"model_type\":\"" + type + "\",\"hidden_size\":32,\"intermediate_size\":48,"
                + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
                + "\"vocab_size\":10" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private Path config(String json) throws IOException {
        Path d = Files.createTempDirectory(dir, "m");
        return Files.writeString(d.resolve("config.json"), json);
    }
}
