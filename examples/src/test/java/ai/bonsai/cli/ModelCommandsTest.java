package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.io.BundleFormat;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.TinyResNet;
import ai.bonsai.core.testing.WeightRows;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bonsai prune}, {@code run} and {@code inspect} on Bonsai bundles of tiny_resnet. */
class ModelCommandsTest {

    private static final BundleFormat BUNDLE = new BundleFormat();

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    @BeforeEach
    void emptyPluginsDir() throws IOException {
        TestPlugins.useEmptyAsDefault(tmp.resolve("plugins"));
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    private Path tinyResNetBundle() {
        Path file = tmp.resolve("tiny_resnet.bonsai");
        try (Graph g = TinyResNet.build()) {
            BUNDLE.write(g, file);
        }
        return file;
    }

    @Test
    void pruneWritesTheSmallerModelAndASummaryThatMatchesIt() throws IOException {
        Path model = tinyResNetBundle();
        Path pruned = tmp.resolve("pruned.bonsai");
        Path json = tmp.resolve("summary.json");

        assertThat(cli.run("prune", model.toString(), "--ratio", "0.5", "--out", pruned.toString(),
                "--json", json.toString())).as(cli.err()).isZero();

        JsonNode summary = new ObjectMapper().readTree(json.toFile());
        try (PluginHost host = PluginHost.classpathOnly();
                Graph original = BUNDLE.read(model, host.newGraphBuilder("o", 0));
                Graph after = BUNDLE.read(pruned, host.newGraphBuilder("p", 0))) {
            ModelCost before = OpCounter.count(original);
            ModelCost now = OpCounter.count(after);
            assertThat(summary.get("params_before").asLong()).isEqualTo(before.params());
            assertThat(summary.get("macs_before").asLong()).isEqualTo(before.macs());
            assertThat(summary.get("params_after").asLong()).isEqualTo(now.params()).isLessThan(before.params());
            assertThat(summary.get("macs_after").asLong()).isEqualTo(now.macs());
            assertThat(summary.at("/setting/ignored_layers").toString()).isEqualTo("[\"fc\"]");
            JsonNode kept = summary.get("kept_out_channels");
            assertThat(kept.has("fc")).as("the classifier is ignored by default").isFalse();
            assertThat(kept.get("conv1")).hasSize(8);
            List<String> layers = new ArrayList<>();
            kept.fieldNames().forEachRemaining(layers::add);
            assertThat(layers).contains("conv1", "block_conv1", "head");
            for (String layer : layers) {
                if (!original.node(layer).hasParameter("weight")
                        || original.node(layer).parameter("weight").shape().dimension() < 2) {
                    continue;
                }
                float[][] rows = WeightRows.rowsOf(original, layer);
                List<Integer> expected = new ArrayList<>();
                kept.get(layer).forEach(i -> expected.add(i.asInt()));
                assertThat(WeightRows.kept(rows, after, layer)).as(layer).isEqualTo(expected);
            }
        }
        assertThat(cli.out()).contains("params").contains("MACs").contains("conv1")
                .contains("16 -> 8").contains("wrote " + pruned);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("plugins", "tiny_resnet.bonsai", "pruned.bonsai", "summary.json");
    }

    @Test
    void aMacsTargetIsMetAndReported() throws IOException {
        Path model = tinyResNetBundle();
        Path json = tmp.resolve("summary.json");
        long before;
        try (PluginHost host = PluginHost.classpathOnly();
                Graph g = BUNDLE.read(model, host.newGraphBuilder("o", 0))) {
            before = OpCounter.count(g).macs();
        }
        long target = before / 2;

        assertThat(cli.run("prune", model.toString(), "--target-macs", Long.toString(target),
                "--out", tmp.resolve("p.bonsai").toString(), "--json", json.toString()))
                .as(cli.err()).isZero();

        JsonNode summary = new ObjectMapper().readTree(json.toFile());
        assertThat(summary.get("macs_after").asLong()).isLessThanOrEqualTo(target)
                .isGreaterThan(target * 8 / 10);
        assertThat(summary.at("/setting/ratio").asDouble()).isBetween(0.0, 1.0);
        assertThat(cli.out()).contains("budget: macs");
    }

    @Test
    void aGradientCriterionWithoutCalibrationDataIsRefusedBeforeAnyWrite() {
        Path model = tinyResNetBundle();
        Path target = tmp.resolve("p.bonsai");

        assertThat(cli.run("prune", model.toString(), "--importance", "taylor", "--out",
                target.toString())).as("a configuration error").isEqualTo(2);

        assertThat(cli.err()).contains("calibration").contains("taylor");
        assertThat(target).doesNotExist();
    }

    @Test
    void inputShapesGoToThePlanWhichChecksThemAgainstTheModel() {
        Path model = tinyResNetBundle();
        Path target = tmp.resolve("p.bonsai");

        assertThat(cli.run("prune", model.toString(), "--input-shape", "input=1,3,64,64", "--out",
                target.toString())).as("a plan error").isEqualTo(2);
        assertThat(cli.err()).contains("model.input_shapes.input")
                .contains("the model's input is (1, 3, 32, 32), the plan says (1, 3, 64, 64)");
        assertThat(target).doesNotExist();

        assertThat(cli.run("prune", model.toString(), "--input-shape", "input=1,3,32,32", "--out",
                target.toString())).as(cli.err()).isZero();
        assertThat(target).exists();
        assertThat(cli.run("inspect", model.toString(), "--input-shape", "input=1,3,x,32")).isEqualTo(2);
        assertThat(cli.err()).contains("--input-shape 'input=1,3,x,32': 'x' is not an integer");
    }

    @Test
    void pruneWithAnUnknownOutputFormatWritesNothing() throws IOException {
        Path model = tinyResNetBundle();
        Path target = tmp.resolve("pruned.xyz");

        assertThat(cli.run("prune", model.toString(), "--out", target.toString())).isEqualTo(2);

        assertThat(cli.err()).contains("no model format reads or writes 'pruned.xyz'")
                .contains("bonsai");
        assertThat(target).doesNotExist();
    }

    @Test
    void runWritesTheOutputsOfTheGraphForNamedInputs() {
        Path model = tinyResNetBundle();
        Path inputs = tmp.resolve("in.safetensors");
        Path outputs = tmp.resolve("out.safetensors");
        try (NDManager m = NDManager.newBaseManager();
                PluginHost host = PluginHost.classpathOnly();
                Graph g = BUNDLE.read(model, host.newGraphBuilder("g", 0))) {
            NDArray x = m.randomNormal(new Shape(1, 3, 32, 32));
            Safetensors.write(Map.of("input", x), inputs);

            assertThat(cli.run("run", model.toString(), "--input", inputs.toString(),
                    "--out", outputs.toString())).as(cli.err()).isZero();

            NDArray expected = new GraphExecutor(g).forward(new NDList(x)).head();
            NDArray actual = Safetensors.read(outputs, m).get(g.outputs().get(0).name());
            assertThat(actual.getShape()).isEqualTo(new Shape(1, 10));
            assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    @Test
    void runNamesMissingAndMisshapedInputs() {
        Path model = tinyResNetBundle();
        Path inputs = tmp.resolve("in.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Safetensors.write(Map.of("image", m.zeros(new Shape(1, 3, 8, 8))), inputs);
        }

        assertThat(cli.run("run", model.toString(), "--input", inputs.toString(),
                "--out", tmp.resolve("o.safetensors").toString())).isEqualTo(1);

        assertThat(cli.err()).contains("missing input 'input' (1, 3, 32, 32)")
                .contains("unexpected tensor 'image'");
        assertThat(tmp.resolve("o.safetensors")).doesNotExist();
    }

    @Test
    void fileBenchmarkOfAnUnknownFormatNamesTheAvailableOnes() {
        assertThat(cli.run("bench", "--format", "nope", "--out", tmp.resolve("b.json").toString()))
                .isEqualTo(1);

        assertThat(cli.err()).contains("'nope'").contains("bonsai");
        assertThat(tmp.resolve("b.json")).doesNotExist();
    }

    @Test
    void inspectListsOpTypesGroupsAndOpaqueNodes() {
        Path model = tmp.resolve("attention.bonsai");
        try (PluginHost host = PluginHost.classpathOnly()) {
            GraphBuilder b = host.newGraphBuilder("attention", 1);
            Value x = b.input("x", new Shape(1, 4, 8));
            Value q = b.linear("q", x, 8);
            Value k = b.linear("k", x, 8);
            Value scores = b.op("matmul", "scores", Attributes.of(),
                    q, b.op("transpose", "kt", Attributes.of().with("dim0", 1).with("dim1", 2), k));
            b.output(b.linear("head", b.op("matmul", "mix", Attributes.of(), scores, x), 3));
            try (Graph g = b.build()) {
                BUNDLE.write(g, model);
            }
        }

        assertThat(cli.run("inspect", model.toString())).as(cli.err()).isZero();

        assertThat(cli.out())
                .contains("input    x (1, 4, 8)")
                .contains("linear 3").contains("matmul 2")
                .contains("classifiers kept: [head]")
                .contains("opaque   2 node(s)")
                .contains("  scores (matmul)").contains("  mix (matmul)");
    }
}
