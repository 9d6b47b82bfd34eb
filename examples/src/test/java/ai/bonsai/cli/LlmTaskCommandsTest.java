package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.model.Safetensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bonsai generate}, {@code eval} and {@code bench} on Hugging Face decoder folders through
 * the built plugin jars, checked against the fixture's PyTorch logits: the first greedy token is
 * PyTorch's argmax, the perplexity is the one PyTorch's logits give, and the benchmark compares a
 * folder with its pruned copy side by side.
 */
class LlmTaskCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    private Path llama;

    @BeforeEach
    void pluginsAndFixture() throws IOException {
        llama = FixtureFolders.tinyLlamaWithPlugins(tmp);
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    @Test
    void generateStartsWithPyTorchsArgmaxAfterThePrompt() throws IOException {
        long firstExpected;
        String prompt;
        try (NDManager m = NDManager.newBaseManager()) {
            long[] ids = Safetensors.read(llama.resolve("input_ids.safetensors"), m).get("input_ids").toLongArray();
            StringBuilder line = new StringBuilder();
            for (int t = 0; t < 12; t++) {
                line.append(ids[t]).append(' ');
            }
            prompt = line.toString().trim();
            firstExpected = Safetensors.read(llama.resolve("logits.safetensors"), m).get("logits")
                    .get("0, 11").argMax().getLong();
        }
        Path ids = Files.writeString(tmp.resolve("prompt.txt"), prompt + "\n");

        assertThat(cli.run("generate", llama.toString(), "--ids", ids.toString(), "-n", "3"))
                .as(cli.err()).isZero();

        assertThat(cli.out()).contains("prompt    " + prompt);
        Matcher generated = Pattern.compile("generated (\\d+) (\\d+) (\\d+)").matcher(cli.out());
        assertThat(generated.find()).as(cli.out()).isTrue();
        assertThat(Long.parseLong(generated.group(1))).isEqualTo(firstExpected);
    }

    @Test
    void aTextPromptWithoutTokenizerSupportExitsTwoNamingTheOption() {
        assertThat(cli.run("generate", llama.toString(), "--prompt", "hello", "-n", "2")).isEqualTo(2);
        assertThat(cli.err()).contains("--prompt: text prompts need the model's tokenizer")
                .contains("has no tokenizer.json").contains("--ids FILE");
    }

    @Test
    void evalGivesThePerplexityOfPyTorchsLogits() throws IOException {
        double expected;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Safetensors.read(llama.resolve("input_ids.safetensors"), m).get("input_ids");
            NDArray logp = Safetensors.read(llama.resolve("logits.safetensors"), m).get("logits")
                    .toType(DataType.FLOAT64, false).get(":, :-1, :").logSoftmax(-1);
            expected = Math.exp(-logp.gather(ids.get(":, 1:").expandDims(-1), 2).mean().getDouble());
        }
        Path json = tmp.resolve("ppl.json");

        assertThat(cli.run("eval", llama.toString(), "--data", llama.resolve("input_ids.safetensors").toString(),
                "--batch", "1", "--json", json.toString())).as(cli.err()).isZero();

        assertThat(cli.out()).contains("over 22 tokens: 2 sequences of 12");
        JsonNode figures = JSON.readTree(json.toFile());
        assertThat(figures.get("perplexity").asDouble()).isCloseTo(expected, within(1e-3 * expected));
        assertThat(figures.get("tokens").asLong()).isEqualTo(22);
    }

    @Test
    void benchComparesAFolderWithItsPrunedCopySideBySide() throws IOException {
        Path pruned = tmp.resolve("pruned");
        assertThat(cli.run("prune", llama.toString(), "--ratio", "0.5", "--out", pruned.toString()))
                .as(cli.err()).isZero();
        Path json = tmp.resolve("bench.json");

        assertThat(cli.run("bench", llama.toString(), pruned.toString(), "--batch", "1,2", "--prompt-length", "8",
                "--new-tokens", "2", "--runs", "1", "--out", json.toString())).as(cli.err()).isZero();

        assertThat(cli.out()).contains("tokens/s, prompt 8, 2 new tokens, median of 1")
                .containsPattern("batch +phase +tiny_llama +pruned +speed-up")
                .containsPattern("\\n1 +prefill +[0-9.]+ +[0-9.]+ +[0-9.]+x")
                .containsPattern("\\n2 +decode +[0-9.]+ +[0-9.]+ +[0-9.]+x");
        JsonNode figures = JSON.readTree(json.toFile());
        for (String key : new String[] {"model0.batch1.prefill_tokens_per_s", "model0.batch2.decode_tokens_per_s",
                "model1.batch1.decode_tokens_per_s", "model1.batch2.prefill_tokens_per_s"}) {
            assertThat(figures.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(figures.get("model1").asText()).isEqualTo(pruned.toString());
    }
}
