package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.testing.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bonsai prune yolov8t_fused.onnx --ratio 0.5} applies the YOLO plugin's family defaults
 * (Detect outputs kept, widths rounded to multiples of 8) to the fields the command line leaves
 * unset, and says so; an explicit option wins over a default.
 */
class FamilyDefaultsTest {

    @TempDir
    Path tmp;

    private Path model;

    @BeforeEach
    void plugins() throws IOException {
        TestPlugins.useAsDefault(tmp.resolve("plugins"));
        model = Files.copy(Resources.path("yolov8t/yolov8t_fused.onnx"),
                tmp.resolve("yolov8t_fused.onnx"));
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    @Test
    void aYoloModelGetsTheDetectOutputsKeptAndWidthsInMultiplesOfEight() throws IOException {
        CliRunner cli = new CliRunner();
        Path summary = tmp.resolve("summary.json");

        assertThat(cli.run("prune", model.toString(), "--ratio", "0.5", "--out",
                tmp.resolve("pruned.onnx").toString(), "--json", summary.toString()))
                .as(cli.err()).isZero();

        assertThat(cli.out()).contains("yolov8 defaults: pruner.ignored_layers = [",
                "pruner.round_to = 8");
        JsonNode kept = new ObjectMapper().readTree(summary.toFile()).get("kept_out_channels");
        assertThat(kept.size()).isGreaterThan(20);
        for (Map.Entry<String, JsonNode> layer : (Iterable<Map.Entry<String, JsonNode>>) kept::fields) {
            assertThat(layer.getValue().size() % 8).as(layer.getKey()).isZero();
            assertThat(layer.getKey()).doesNotStartWith("model.22.dfl");
        }
    }

    @Test
    void anOptionWinsOverTheFamilyDefault() {
        CliRunner cli = new CliRunner();

        assertThat(cli.run("prune", model.toString(), "--ratio", "0.5", "--round-to", "4", "--out",
                tmp.resolve("pruned.onnx").toString())).as(cli.err()).isZero();

        assertThat(cli.out()).contains("yolov8 defaults: pruner.ignored_layers = [")
                .doesNotContain("pruner.round_to = 8");
    }
}
