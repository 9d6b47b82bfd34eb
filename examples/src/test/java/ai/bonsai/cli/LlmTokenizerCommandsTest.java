package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Text through a decoder folder's {@code tokenizer.json} (the plugin's test tokenizer: a
 * word-level vocabulary with ids below the fixture's 128 and a BOS token 1), through the built
 * plugin jars: {@code bonsai generate --prompt} continues exactly as {@code --ids} with the
 * encoded ids, and a plain-text calibration file prunes exactly as the token-id files holding
 * the same tokens (a safetensors tensor and one id sequence per line).
 */
class LlmTokenizerCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** "The cat sat on a red mat", encoded: BOS, then one id per word. */
    private static final String ENCODED = "1 5 17 23 42 56 103 64";

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    private Path llama;

    @BeforeEach
    void pluginsAndFixture() throws IOException {
        llama = FixtureFolders.tinyLlamaWithPlugins(tmp);
        FixtureFolders.addTokenizer(llama);
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    private String generated() {
        Matcher m = Pattern.compile("generated ([0-9 ]+)").matcher(cli.out());
        assertThat(m.find()).as(cli.out()).isTrue();
        return m.group(1).trim();
    }

    @Test
    void aTextPromptContinuesAsItsEncodedIds() throws IOException {
        assertThat(cli.run("generate", llama.toString(), "--prompt", "The cat sat on a red mat", "-n", "4"))
                .as(cli.err()).isZero();
        assertThat(cli.out()).contains("prompt    " + ENCODED).contains("text      ");
        String fromText = generated();
        assertThat(fromText.split(" ")).hasSize(4);

        cli.clearOut();
        Path ids = Files.writeString(tmp.resolve("prompt.txt"), ENCODED + "\n");
        assertThat(cli.run("generate", llama.toString(), "--ids", ids.toString(), "-n", "4"))
                .as(cli.err()).isZero();
        assertThat(generated()).isEqualTo(fromText);
    }

    @Test
    void plainTextCalibrationPrunesAsTheTokenIdFilesOfTheSameTokens() throws IOException {
        SameTokenFiles files = SameTokenFiles.write(tmp);

        JsonNode fromText = prune("text", files.text());
        assertThat(fromText.get("config").get("bonsai")).as("per-layer sizes").isNotNull();
        assertThat(prune("tensor", files.tensor())).isEqualTo(fromText);
        assertThat(prune("lines", files.lines())).isEqualTo(fromText);
    }

    /** Prunes with Wanda on one calibration file and returns the config and the kept channels. */
    private JsonNode prune(String name, Path calibration) throws IOException {
        Path plan = Files.writeString(tmp.resolve(name + ".yaml"),
                "model: {path: tiny_llama, input_shapes: {input_ids: [2, 12]}}\n"
                + "importance: wanda\n"
                + "pruner: {name: llm, ratio: 0.3, parameters: {uniform: false, head_ratio: 0.25}}\n"
                + "outputs: {model: " + name + ", summary: " + name + ".json}\n");
        assertThat(cli.run("prune", "--plan", plan.toString(), "--calibration", calibration.toString()))
                .as(cli.err()).isZero();
        assertThat(cli.out()).contains("calibrated on 1 batch(es)");
        JsonNode summary = JSON.readTree(tmp.resolve(name + ".json").toFile());
        return JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("config",
                JSON.readTree(tmp.resolve(name).resolve("config.json").toFile()))
                .set("layers", summary.get("layers"));
    }
}
