package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.testing.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bonsai prune --plan} and {@code bonsai plan check} on {@code tiny_resnet.onnx} through the
 * ONNX plugin jar: a good plan gives what the equivalent options give, byte for byte; every bad
 * plan exits 2 with one message placed at file:line:column, and writes nothing.
 */
class PlanCommandTest {

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    private Path work;

    @BeforeEach
    void plugins() throws IOException {
        TestPlugins.useAsDefault(tmp.resolve("plugins"));
        work = Files.createDirectories(tmp.resolve("work"));
        Files.copy(Resources.path("fixtures/tiny_resnet.onnx"), work.resolve("net.onnx"));
        Files.copy(Resources.path("fixtures/tiny_resnet.input.safetensors"),
                work.resolve("calib.safetensors"));
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    private Path plan(String yaml) throws IOException {
        return Files.writeString(work.resolve("plan.yaml"), yaml);
    }

    private List<String> workFiles() throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void aPlanPrunesExactlyAsTheEquivalentOptions() throws IOException {
        Path plan = plan("""
                model: {path: net.onnx}
                importance: {name: taylor, parameters: {multivariable: false}}
                calibration: calib.safetensors
                pruner: {ratio: 0.4, global: true, ignored_layers: [conv1], round_to: 2}
                outputs: {model: a.onnx, summary: a.json}
                """);
        assertThat(cli.run("prune", "--plan", plan.toString())).as(cli.err()).isZero();
        assertThat(cli.run("prune", work.resolve("net.onnx").toString(), "--importance", "taylor",
                "--calibration", work.resolve("calib.safetensors").toString(), "--ratio", "0.4",
                "--global", "--ignore", "conv1", "--round-to", "2",
                "--out", work.resolve("b.onnx").toString(), "--json", work.resolve("b.json").toString()))
                .as(cli.err()).isZero();

        assertThat(Files.readAllBytes(work.resolve("a.onnx")))
                .isEqualTo(Files.readAllBytes(work.resolve("b.onnx")));
        JsonNode a = new ObjectMapper().readTree(work.resolve("a.json").toFile());
        JsonNode b = new ObjectMapper().readTree(work.resolve("b.json").toFile());
        assertThat(a).isEqualTo(b);
        assertThat(a.get("params_after").asLong()).isLessThan(a.get("params_before").asLong());
    }

    @Test
    void optionsOverrideThePlansFields() throws IOException {
        Path plan = plan("""
                model: {path: net.onnx}
                importance: l2
                pruner: {ratio: 0.25}
                outputs: {model: a.onnx, summary: a.json}
                """);
        assertThat(cli.run("prune", "--plan", plan.toString(), "--ratio", "0.5", "--json",
                work.resolve("b.json").toString())).as(cli.err()).isZero();

        JsonNode ref = Resources.json("reference/tiny_resnet__l2_local50.json");
        JsonNode summary = new ObjectMapper().readTree(work.resolve("b.json").toFile());
        assertThat(summary.get("params_after").asLong()).isEqualTo(ref.get("params_after").asLong());
        assertThat(summary.get("macs_after").asLong()).isEqualTo(ref.get("macs_after").asLong());
        assertThat(work.resolve("a.json")).doesNotExist();
    }

    @Test
    void planCheckPrintsTheGroupsAndThePredictedFiguresAndWritesNothing() throws IOException {
        Path plan = plan("""
                model: {path: net.onnx}
                importance: l2
                pruner: {ratio: 0.5}
                outputs: {model: a.onnx, summary: a.json}
                """);
        List<String> before = workFiles();

        assertThat(cli.run("plan", "check", plan.toString())).as(cli.err()).isZero();

        JsonNode ref = Resources.json("reference/tiny_resnet__l2_local50.json");
        assertThat(workFiles()).isEqualTo(before);
        assertThat(cli.out())
                .contains("is valid: meta with l2")
                .contains("step 1  block_conv1")
                .contains(String.format("%,15d -> %,15d predicted", ref.get("params_before").asLong(),
                        ref.get("params_after").asLong()))
                .contains(String.format("%,15d -> %,15d predicted", ref.get("macs_before").asLong(),
                        ref.get("macs_after").asLong()))
                .contains("nothing written");
    }

    @Test
    void aPlanMayBuildItsModelWithAnAdapter() throws IOException {
        Path plan = plan("""
                model:
                  adapter: resnet18
                  options: {num_classes: 10}
                  input_shapes: {input: [1, 3, 32, 32]}
                pruner: {ratio: 0.5}
                """);

        assertThat(cli.run("plan", "check", plan.toString())).as(cli.err()).isZero();

        assertThat(cli.out()).contains("is valid: meta with l2").contains("step 1  conv1")
                .contains("11,181,642 ->");
    }

    @Test
    void pruneWithoutAModelSaysWhereToGiveIt() {
        assertThat(cli.run("prune", "--out", work.resolve("x.onnx").toString())).isEqualTo(2);
        assertThat(cli.err()).contains("model.path: required: give MODEL or model.path");
    }

    static Stream<Arguments> badPlans() {
        return Stream.of(
                Arguments.of("unknown key", """
                        model: {path: net.onnx}
                        pruner:
                          ratoi: 0.5
                        """, ":3:3: pruner.ratoi: unknown key; known: "),
                Arguments.of("wrong type", """
                        model: {path: net.onnx}
                        pruner:
                          global: sometimes
                        """, ":3:11: pruner.global: must be true or false, found string 'sometimes'"),
                Arguments.of("ratio of one", """
                        model: {path: net.onnx}
                        pruner:
                          ratio: 1.0
                        """, ":3:10: pruner.ratio: must be in [0, 1), found 1.0"),
                Arguments.of("negative steps", """
                        model: {path: net.onnx}
                        pruner:
                          steps: -1
                        """, ":3:10: pruner.steps: must be at least 1, found -1"),
                Arguments.of("unknown extension", """
                        model: {path: net.onnx}
                        importance: {name: hrank}
                        """, ":2:20: importance.name: unknown importance 'hrank'; available: activation,"
                        + " bnscale, diff-pruning, flap, fpgm, hessian, l1, l2, lamp, magnitude, obdc,"
                        + " random, taylor, wanda"),
                Arguments.of("missing model file", """
                        model:
                          path: gone.onnx
                        """, ":2:9: model.path: file '"),
                Arguments.of("unknown criterion parameter", """
                        model: {path: net.onnx}
                        importance:
                          name: l1
                          parameters: {q: 3}
                        """, ":4:16: importance.parameters.q: unknown parameter of importance"
                        + " 'magnitude'; known: group_reduction, normalizer, bias,"
                        + " score_all_members, p"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPlans")
    void aBadPlanExitsTwoWithOnePlacedMessageAndWritesNothing(String what, String yaml,
            String message) throws IOException {
        Path plan = plan(yaml + "outputs: {model: out.onnx, summary: out.json}\n");
        List<String> before = workFiles();

        assertThat(cli.run("prune", "--plan", plan.toString())).isEqualTo(2);
        assertThat(cli.err()).startsWith("bonsai: " + plan + message);
        assertThat(cli.err().lines()).hasSize(1);
        assertThat(workFiles()).isEqualTo(before);

        assertThat(cli.run("plan", "check", plan.toString())).isEqualTo(2);
        assertThat(workFiles()).isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("examplePlans")
    void theExamplePlansAreValid(Path plan) {
        assertThat(cli.run("plan", "check", plan.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("predicted").contains("nothing written");
    }

    static Stream<Path> examplePlans() throws IOException {
        try (Stream<Path> plans = Files.list(Path.of("plans"))) {
            return plans.filter(p -> p.toString().endsWith(".yaml")).sorted()
                    .collect(Collectors.toList()).stream();
        }
    }
}
