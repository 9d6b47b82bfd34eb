package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.model.Safetensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoder LLMs from the command line, through the built plugin jars: {@code bonsai prune HF_DIR}
 * with the family default and with plans that select the {@code llm} pruner's modes by name
 * (heads by key/value group or query heads per group, MLP, hidden size, per-layer ranking, layer
 * removal by block influence), each result reloaded and run; bad parameters exit 2 naming the
 * field and write nothing; {@code bonsai run} builds the folder's model for the ids it is given.
 */
class LlmPruneCommandTest {

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

    private JsonNode config(Path folder) throws IOException {
        return JSON.readTree(folder.resolve("config.json").toFile());
    }

    private Path plan(String name, String pruner, String more) throws IOException {
        return Files.writeString(tmp.resolve(name), "model: {path: tiny_llama, input_shapes: {input_ids: [2, 12]}}\n"
                + "pruner: " + pruner + "\n" + more + "outputs: {model: " + name.replace(".yaml", "") + "}\n");
    }

    /** Runs a pruned folder on the fixture's ids through {@code bonsai run} and returns the logits' shape. */
    private long[] runs(Path folder) {
        Path logits = tmp.resolve(folder.getFileName() + ".logits.safetensors");
        assertThat(cli.run("run", folder.toString(), "--input", llama.resolve("input_ids.safetensors").toString(),
                "--out", logits.toString())).as(cli.err()).isZero();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = Safetensors.read(logits, m).get("lm_head");
            assertThat(l.isNaN().any().getBoolean()).isFalse();
            return l.getShape().getShape();
        }
    }

    @Test
    void runBuildsTheFolderForTheGivenIdsAndMatchesPyTorchsLogits() {
        Path logits = tmp.resolve("logits.safetensors");
        assertThat(cli.run("run", llama.toString(), "--input", llama.resolve("input_ids.safetensors").toString(),
                "--out", logits.toString())).as(cli.err()).isZero();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray actual = Safetensors.read(logits, m).get("lm_head");
            NDArray expected = Safetensors.read(llama.resolve("logits.safetensors"), m).get("logits");
            assertThat(actual.getShape()).isEqualTo(expected.getShape());
            assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-4f);
        }
    }

    @Test
    void theFamilyDefaultRemovesKeyValueGroupsAndMlpChannelsAndKeepsAStandardCheckpoint() throws IOException {
        Path pruned = tmp.resolve("pruned");
        assertThat(cli.run("prune", llama.toString(), "--ratio", "0.25", "--out", pruned.toString()))
                .as(cli.err()).isZero();

        assertThat(cli.out()).contains("llm defaults: pruner.name = llm");
        JsonNode c = config(pruned);
        // ceil(0.25 x 2) = 1 of the 2 key/value groups goes, with its 4 query heads
        assertThat(c.get("num_key_value_heads").asInt()).isEqualTo(1);
        assertThat(c.get("num_attention_heads").asInt()).isEqualTo(4);
        assertThat(c.get("head_dim").asInt()).isEqualTo(8);
        assertThat(c.get("hidden_size").asInt()).as("heads x head_dim").isEqualTo(4 * 8);
        assertThat(c.get("intermediate_size").asInt()).isEqualTo(132);
        assertThat(c.get("num_hidden_layers").asInt()).isEqualTo(4);
        assertThat(c.has("bonsai")).as("a standard checkpoint").isFalse();
        assertThat(runs(pruned)).containsExactly(2, 12, 128);
    }

    @Test
    void aPlanSelectsQueryHeadsPerGroupAndAnMlpRatio() throws IOException {
        Path plan = plan("query.yaml", "{name: llm, ratio: 0.5, parameters: {head_mode: query_heads,"
                + " head_ratio: 0.25, mlp_ratio: 0.3}}", "");
        assertThat(cli.run("prune", "--plan", plan.toString())).as(cli.err()).isZero();

        JsonNode c = config(tmp.resolve("query"));
        assertThat(c.get("num_attention_heads").asInt()).isEqualTo(6);
        assertThat(c.get("num_key_value_heads").asInt()).isEqualTo(2);
        assertThat(c.get("hidden_size").asInt()).isEqualTo(6 * 8);
        assertThat(c.get("intermediate_size").asInt()).isEqualTo(123);
        assertThat(runs(tmp.resolve("query"))).containsExactly(2, 12, 128);
    }

    @Test
    void aPlanRemovesTheLayerOfLowestBlockInfluenceOnTheCalibrationIds() throws IOException {
        Path plan = plan("short.yaml", "{name: llm, ratio: 0.0, parameters: {remove_layers: 1}}",
                "calibration: [tiny_llama/input_ids.safetensors]\n");
        assertThat(cli.run("prune", "--plan", plan.toString())).as(cli.err()).isZero();

        JsonNode c = config(tmp.resolve("short"));
        assertThat(c.get("num_hidden_layers").asInt()).isEqualTo(3);
        assertThat(c.get("num_attention_heads").asInt()).isEqualTo(8);
        assertThat(c.get("intermediate_size").asInt()).isEqualTo(176);
        assertThat(runs(tmp.resolve("short"))).containsExactly(2, 12, 128);
    }

    @Test
    void aPlanRanksHeadsAndMlpChannelsAcrossLayersAndPrunesTheHiddenSize() throws IOException {
        Path plan = plan("global.yaml", "{name: llm, ratio: 0.3, parameters: {uniform: false, head_ratio: 0.0,"
                + " hidden_ratio: 0.25, layers: [1, 4]}}", "");
        assertThat(cli.run("prune", "--plan", plan.toString())).as(cli.err()).isZero();

        JsonNode c = config(tmp.resolve("global"));
        assertThat(c.get("hidden_size").asInt()).isEqualTo(48);
        JsonNode layers = c.get("bonsai").get("layers");
        assertThat(layers.size()).isEqualTo(4);
        assertThat(layers.get(0).get("intermediate_size").asInt()).as("outside the range").isEqualTo(176);
        int sum = 0;
        for (int i = 1; i < 4; i++) {
            sum += layers.get(i).get("intermediate_size").asInt();
        }
        assertThat(sum).as("(int) (3 x 176 x 0.7) kept across the three layers").isBetween(368, 370);
        assertThat(runs(tmp.resolve("global"))).containsExactly(2, 12, 128);
    }

    @Test
    void badParametersExitTwoNamingTheFieldAndWriteNothing() throws IOException {
        Path unknown = plan("unknown.yaml", "{name: llm, parameters: {heads: 2}}", "");
        assertThat(cli.run("prune", "--plan", unknown.toString())).isEqualTo(2);
        assertThat(cli.err()).containsPattern("unknown.yaml:2:\\d+: pruner.parameters.heads: unknown"
                + " parameter of pruner 'llm'; known: head_ratio, head_mode");

        Path mode = plan("mode.yaml", "{name: llm, parameters: {head_mode: heads}}", "");
        assertThat(cli.run("prune", "--plan", mode.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("pruner.parameters.head_mode: must be one of kv_groups, query_heads");

        Path range = plan("range.yaml", "{name: llm, parameters: {layers: [0, 9]}}", "");
        assertThat(cli.run("prune", "--plan", range.toString())).isEqualTo(2);
        assertThat(cli.err()).containsPattern("range.yaml:2:\\d+: pruner.parameters.layers: \\[0, 9\\)"
                + " exceeds the model's 4 layers");

        Path calibration = plan("calib.yaml", "{name: llm, parameters: {remove_layers: 1}}", "");
        assertThat(cli.run("prune", "--plan", calibration.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("pruner.parameters: pruner 'llm' as configured needs calibration data");

        Path meta = plan("meta.yaml", "{name: meta, parameters: {head_ratio: 0.5}}", "");
        assertThat(cli.run("prune", "--plan", meta.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("pruner.parameters.head_ratio: pruner 'meta' takes no parameters");

        for (String name : new String[] {"unknown", "mode", "range", "calib", "meta"}) {
            assertThat(tmp.resolve(name)).doesNotExist();
        }
    }
}
