package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
 * {@code --round-to} and the plan's {@code pruner.round_to} on an ONNX model: the channels left
 * are rounded down to a multiple, and the pruned file runs in ONNX Runtime at any batch size.
 */
class OnnxRoundToTest {

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    private Path model;

    @BeforeEach
    void plugins() throws IOException {
        TestPlugins.useAsDefault(tmp.resolve("plugins"));
        try (PluginHost host = PluginHost.builder().build()) {
            model = OddWidthOnnxModel.write(host, tmp.resolve("odd.onnx"), true);
        }
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    private JsonNode prune(String... options) throws IOException {
        Path json = tmp.resolve("summary.json");
        String[] args = new String[options.length + 2];
        args[0] = "prune";
        args[1] = "--json=" + json;
        System.arraycopy(options, 0, args, 2, options.length);
        assertThat(cli.run(args)).as(cli.err()).isZero();
        return new ObjectMapper().readTree(json.toFile());
    }

    private static int kept(JsonNode summary, String layer) {
        return summary.at("/kept_out_channels/" + layer).size();
    }

    @Test
    void roundToLeavesMultiplesOfEightOnTheCommandLineAndInAPlan() throws Exception {
        JsonNode plain = prune(model.toString(), "--ratio=0.5", "--out=" + tmp.resolve("plain.onnx"));
        assertThat(kept(plain, "conv1")).isEqualTo(10);
        assertThat(kept(plain, "conv2")).isEqualTo(22);

        Path rounded = tmp.resolve("rounded.onnx");
        JsonNode option = prune(model.toString(), "--ratio=0.5", "--round-to=8", "--out=" + rounded);
        assertThat(kept(option, "conv1")).isEqualTo(8);
        assertThat(kept(option, "conv2")).isEqualTo(16);
        assertThat(option.at("/setting/round_to").asInt()).isEqualTo(8);

        Path plan = Files.writeString(tmp.resolve("plan.yaml"), """
                model:
                  path: odd.onnx
                pruner:
                  ratio: 0.5
                  round_to: 8
                outputs:
                  model: planned.onnx
                """);
        JsonNode planned = prune("--plan=" + plan);
        assertThat(planned.get("kept_out_channels")).isEqualTo(option.get("kept_out_channels"));
        assertThat(planned.get("params_after")).isEqualTo(option.get("params_after"));

        try (NDManager m = NDManager.newBaseManager()) {
            for (Path file : new Path[] {rounded, tmp.resolve("planned.onnx")}) {
                for (int batch : new int[] {1, 3}) {
                    NDArray x = m.zeros(new Shape(batch, 3, 16, 16));
                    assertThat(Ort.outputShapes(file, "input", x).values().iterator().next())
                            .containsExactly(batch, 10);
                }
            }
        }
    }
}
