package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hugging Face encoder folders ({@code tiny_bert} with its padding mask, {@code tiny_vit_hf})
 * written to ONNX by {@code bonsai prune}: unpruned, ONNX Runtime reproduces the fixture's
 * PyTorch logits of the first sample (the folder format builds static shapes: BERT at 1 x 64
 * tokens, so the sample is padded); pruned, it reproduces Bonsai's own execution of the file.
 */
class EncoderOnnxExportTest {

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

    @ParameterizedTest
    @ValueSource(strings = {"tiny_bert", "tiny_vit_hf"})
    void theExportedEncoderRunsInOnnxRuntime(String fixture) throws Exception {
        Path folder = Path.of("../plugins/transformers/src/test/resources/fixtures", fixture);
        Path unpruned = prune(folder, "0", tmp.resolve(fixture + ".onnx"));
        Path pruned = prune(folder, "0.25", tmp.resolve(fixture + "_pruned.onnx"));
        try (NDManager m = NDManager.newBaseManager();
                PluginHost host = PluginHost.builder().build()) {
            Map<String, NDArray> fixtureInputs =
                    Safetensors.read(folder.resolve("inputs.safetensors"), m);
            NDArray logits = Safetensors.read(folder.resolve("logits.safetensors"), m).get("logits");
            Map<String, NDArray> inputs;
            try (Graph g = host.formats().get("onnx").read(unpruned, host.newGraphBuilder("u", 0))) {
                inputs = firstSampleAt(g, fixtureInputs);
            }
            float[] expected = logits.get(0).toFloatArray();
            assertThat(Ort.run(unpruned, inputs)).containsExactly(expected, within(1e-4f));

            try (Graph g = host.formats().get("onnx").read(pruned, host.newGraphBuilder("p", 0))) {
                NDList ordered = new NDList();
                g.inputs().forEach(v -> ordered.add(inputs.get(v.name())));
                float[] djl = new GraphExecutor(g).forward(ordered).head().toFloatArray();
                assertThat(Ort.run(pruned, inputs)).containsExactly(djl, within(1e-4f));
            }
        }
    }

    /**
     * The fixture's first sample, at the graph's static input shapes: images as they are, token
     * rows padded with id 0 and mask 0 to the graph's sequence length (a padded position changes
     * nothing at the classification token, so the expected logits stay the first row's).
     */
    private static Map<String, NDArray> firstSampleAt(Graph g, Map<String, NDArray> inputs) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        g.inputs().forEach(v -> {
            NDArray a = inputs.get(v.name()).get(0).expandDims(0);
            long length = v.shape().get(v.shape().dimension() - 1);
            if (a.getDataType() == DataType.INT64 && a.getShape().get(1) < length) {
                long[] row = new long[(int) length];
                long[] given = a.toLongArray();
                System.arraycopy(given, 0, row, 0, given.length);
                a = a.getManager().create(row, v.shape());
            }
            out.put(v.name(), a);
        });
        return out;
    }

    private Path prune(Path folder, String ratio, Path out) {
        CliRunner cli = new CliRunner();
        assertThat(cli.run("prune", folder.toString(), "--ratio", ratio, "--out", out.toString()))
                .as(cli.err()).isZero();
        return out;
    }
}
