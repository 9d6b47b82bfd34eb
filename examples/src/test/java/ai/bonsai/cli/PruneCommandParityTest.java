package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.testing.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bonsai prune} on the PyTorch-exported {@code tiny_resnet.onnx}, through the ONNX plugin
 * jar, for every reference setting: the JSON summary must carry Torch-Pruning's parameter
 * counts, MACs and kept output channels exactly, and the pruned ONNX file must be written.
 */
class PruneCommandParityTest {

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

    static Stream<Arguments> settings() {
        String input = "--calibration=" + Resources.path("fixtures/tiny_resnet.input.safetensors");
        return Stream.of(
                Arguments.of("l1_local50", List.of("--importance=l1")),
                Arguments.of("l2_local50", List.of("--importance=l2")),
                Arguments.of("l2_global50", List.of("--importance=l2", "--global")),
                Arguments.of("taylor_local50", List.of("--importance=taylor", input)),
                Arguments.of("bnscale_local50", List.of("--importance=bnscale")),
                Arguments.of("lamp_global50", List.of("--importance=lamp", "--global")),
                Arguments.of("fpgm_local50", List.of("--importance=fpgm")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void summaryEqualsTorchPruningsReference(String tag, List<String> options) throws IOException {
        JsonNode ref = Resources.json("reference/tiny_resnet__" + tag + ".json");
        Path pruned = tmp.resolve("pruned.onnx");
        Path json = tmp.resolve("summary.json");
        List<String> args = new ArrayList<>(List.of("prune",
                Resources.path("fixtures/tiny_resnet.onnx").toString(), "--ratio=0.5",
                "--out=" + pruned, "--json=" + json));
        args.addAll(options);

        int status = cli.run(args);

        assertThat(status).as(cli.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(json.toFile());
        for (String field : List.of("params_before", "params_after", "macs_before", "macs_after")) {
            assertThat(summary.get(field).asLong()).as(field).isEqualTo(ref.get(field).asLong());
        }
        assertThat(summary.at("/setting/ignored_layers").toString()).isEqualTo("[\"fc\"]");
        assertThat(pruned(summary.get("kept_out_channels"), ref))
                .isEqualTo(pruned(ref.get("kept_out_channels"), ref));
        assertThat(pruned).isRegularFile();
        assertThat(Files.size(pruned)).isLessThan(
                Files.size(Resources.path("fixtures/tiny_resnet.onnx")));
    }

    /**
     * The layers that lost output channels, with their kept indices. The references also list,
     * in one global setting, a layer that kept all its channels ({@code branch} in
     * {@code lamp_global50}); such an entry says nothing was removed, so it is left out here.
     */
    private static TreeMap<String, String> pruned(JsonNode kept, JsonNode ref) {
        TreeMap<String, String> m = new TreeMap<>();
        kept.fields().forEachRemaining(e -> {
            long before = ref.at("/shapes_before/" + e.getKey() + ".weight/0").asLong();
            if (e.getValue().size() < before) {
                m.put(e.getKey(), e.getValue().toString());
            }
        });
        return m;
    }
}
