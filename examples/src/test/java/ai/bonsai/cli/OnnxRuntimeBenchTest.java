package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.core.plugin.PluginHost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bonsai bench ORIGINAL.onnx PRUNED.onnx}: both files timed in ONNX Runtime at each batch
 * size, printed side by side and written as JSON; a fixed batch skips the other sizes with the
 * reason; wrong arguments exit 2 before anything runs. Timings are only checked to be positive.
 */
class OnnxRuntimeBenchTest {

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    @BeforeEach
    void plugins() throws IOException {
        TestPlugins.useAsDefault(tmp.resolve("plugins"));
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    /** Writes the model and prunes half of it with the CLI. */
    private List<Path> originalAndPruned(boolean symbolicBatch) {
        Path original;
        try (PluginHost host = PluginHost.builder().build()) {
            original = OddWidthOnnxModel.write(host, tmp.resolve("odd.onnx"), symbolicBatch);
        }
        Path pruned = tmp.resolve("odd.pruned.onnx");
        assertThat(cli.run("prune", original.toString(), "--ratio=0.5", "--out=" + pruned))
                .as(cli.err()).isZero();
        return List.of(original, pruned);
    }

    @Test
    void timesBothFilesAtBatchOneAndEightAndWritesTheFigures() throws IOException {
        List<Path> files = originalAndPruned(true);
        Path json = tmp.resolve("bench.json");
        cli.clearOut();

        assertThat(cli.run("bench", files.get(0).toString(), files.get(1).toString(),
                "--runtime=onnxruntime", "--runs=3", "--threads=1", "--out=" + json))
                .as(cli.err()).isZero();

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.get("runtime").asText()).startsWith("onnxruntime 1.");
        assertThat(r.get("original").asText()).isEqualTo(files.get(0).toString());
        assertThat(r.get("pruned").asText()).isEqualTo(files.get(1).toString());
        assertThat(r.get("prunedMiB").asDouble()).isPositive()
                .isLessThan(r.get("originalMiB").asDouble());
        assertThat(r.get("runs").asInt()).isEqualTo(3);
        assertThat(r.get("intraOpThreads").asInt()).isEqualTo(1);
        JsonNode batches = r.get("batches");
        assertThat(batches).hasSize(2);
        for (int k = 0; k < 2; k++) {
            JsonNode row = batches.get(k);
            assertThat(row.get("batch").asInt()).isEqualTo(k == 0 ? 1 : 8);
            assertThat(row.has("skipped")).isFalse();
            for (String model : List.of("original", "pruned")) {
                double median = row.get(model + "MedianMillis").asDouble();
                assertThat(median).isPositive();
                assertThat(row.get(model + "MinMillis").asDouble()).isPositive().isLessThanOrEqualTo(median);
            }
            assertThat(row.get("speedup").asDouble()).isCloseTo(
                    row.get("originalMedianMillis").asDouble() / row.get("prunedMedianMillis").asDouble(),
                    within(1e-9));
        }
        assertThat(cli.out()).contains("original median (min)", "pruned median (min)",
                "speed-up", "wrote " + json).containsPattern("(?m)^8 +\\d+\\.\\d\\d ms");
    }

    @Test
    void aFixedBatchSkipsTheOtherSizesWithTheReason() throws IOException {
        List<Path> files = originalAndPruned(false);
        Path json = tmp.resolve("bench.json");

        assertThat(cli.run("bench", files.get(0).toString(), files.get(1).toString(), "--batch=1,4",
                "--runs=2", "--out=" + json)).as(cli.err()).isZero();

        JsonNode batches = new ObjectMapper().readTree(json.toFile()).get("batches");
        assertThat(batches.get(0).get("originalMedianMillis").asDouble()).isPositive();
        assertThat(batches.get(1).get("batch").asInt()).isEqualTo(4);
        assertThat(batches.get(1).get("skipped").asText())
                .isEqualTo("odd.onnx: input 'input' has a fixed batch of 1");
        assertThat(cli.out()).contains("skipped: odd.onnx: input 'input' has a fixed batch of 1");
    }

    @Test
    void wrongArgumentsExitTwoAndWriteNothing() {
        Path json = tmp.resolve("bench.json");
        Path model = tmp.resolve("missing.onnx");
        assertThat(cli.run("bench", model.toString(), "--out=" + json)).isEqualTo(2);
        assertThat(cli.err()).contains("MODEL: give the original and the pruned model, found 1 file");
        assertThat(cli.run("bench", model.toString(), model.toString(), "--out=" + json)).isEqualTo(2);
        assertThat(cli.err()).contains("MODEL: no such file: " + model);
        assertThat(cli.run("bench", model.toString(), model.toString(), "--runtime=tvm")).isEqualTo(2);
        assertThat(cli.err()).contains("--runtime: unknown runtime 'tvm'; available: onnxruntime");
        assertThat(cli.run("bench", "--runtime=tvm", "--out=" + json)).isEqualTo(2);
        assertThat(cli.err()).contains("--runtime: needs two model files");
        assertThat(Files.exists(json)).isFalse();
    }
}
