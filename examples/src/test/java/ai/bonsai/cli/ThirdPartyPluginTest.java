package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.plugin.PluginException;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.io.BundleFormat;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.KeptChannels;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example third-party plugin ({@code examples/plugin-example}), loaded from its jar in a
 * plugins folder and never from the classpath: its layer is scored by core's magnitude criterion
 * (its channels are ranked by their learned scale, not skipped), pruned like a built-in layer and
 * written to ONNX through its codec (ONNX Runtime runs the file), and its criterion is found by
 * name.
 *
 * <p>The convolution before the layer favours the odd channels (larger weights), the layer's
 * scale the even ones (10 against 0.01): a criterion that scores the layer keeps the even ones.
 */
class ThirdPartyPluginTest {

    private static final List<Integer> EVEN = List.of(0, 2, 4, 6);

    @TempDir
    Path plugins;

    @Test
    void magnitudeScoresTheCustomLayerAndPrunesThroughIt() throws IOException {
        TestPlugins.copyThirdPartyInto(plugins);
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build();
                Graph g = scaledNetwork(host)) {
            assertThat(host.opTypes().get("example.channel_scale")).isNotNull();
            assertThat(prune(g, new MagnitudeImportance())).isEqualTo(EVEN);
            assertThat(g.parameters().get("scale1.scale").shape()).isEqualTo(new Shape(4));
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray out = new GraphExecutor(g).forward(new NDList(m.ones(new Shape(1, 3, 8, 8))))
                        .head();
                assertThat(out.getShape()).isEqualTo(new Shape(1, 4, 8, 8));
            }
        }
    }

    @Test
    void theCustomLayerIsWrittenToOnnxThatOnnxRuntimeRuns() throws IOException, OrtException {
        TestPlugins.copyInto(plugins);
        TestPlugins.copyThirdPartyInto(plugins);
        Path file = plugins.resolve("pruned.onnx");
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build();
                Graph g = scaledNetwork(host); NDManager m = NDManager.newBaseManager()) {
            assertThat(prune(g, new MagnitudeImportance())).isEqualTo(EVEN);
            host.formats().get("onnx").write(g, file);
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            assertThat(Ort.run(file, "input", x)).containsExactly(djl, within(1e-4f));
        }
    }

    @Test
    void thePluginsCriterionIsFoundByNameWithItsParameters() throws IOException {
        TestPlugins.copyThirdPartyInto(plugins);
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build();
                Graph g = scaledNetwork(host)) {
            ImportanceCriterion criterion = host.criteria().get("channel-scale")
                    .withParameters(Map.of("p", "2"));
            assertThat(prune(g, criterion)).isEqualTo(EVEN);
            assertThatThrownBy(() -> host.criteria().get("channel-scale")
                    .withParameters(Map.of("q", "1")))
                    .hasMessageContaining("importance.q").hasMessageContaining("available: p");
        }
    }

    @Test
    void withoutTheJarTheCriterionIsUnknownAndTheAvailableOnesAreListed() {
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            assertThatThrownBy(() -> host.criteria().get("channel-scale"))
                    .isInstanceOf(PluginException.class)
                    .hasMessageContaining("unknown importance 'channel-scale'; available: ")
                    .hasMessageContaining("magnitude");
        }
    }

    @Test
    void aPlanSelectsTheCriterionByNameAndWithoutTheJarExitsTwoWritingNothing() throws IOException {
        Path withJar = Files.createDirectories(plugins.resolve("with"));
        Path without = Files.createDirectories(plugins.resolve("without"));
        TestPlugins.copyThirdPartyInto(withJar);
        Path work = Files.createDirectories(plugins.resolve("work"));
        try (PluginHost host = PluginHost.builder().optPluginsDir(withJar).build();
                Graph g = scaledNetwork(host)) {
            new BundleFormat().write(g, work.resolve("scaled.bonsai"));
        }
        Path plan = Files.writeString(work.resolve("plan.yaml"), """
                model: {path: scaled.bonsai}
                importance: {name: channel-scale, parameters: {p: 2}}
                pruner: {ratio: 0.5}
                outputs: {model: pruned.bonsai, summary: summary.json}
                """);

        String defaultFolder = System.setProperty("bonsai.plugins.dir", without.toString());
        try {
            runPlanWithAndWithoutTheJar(plan, work, withJar, without);
        } finally {
            if (defaultFolder == null) {
                System.clearProperty("bonsai.plugins.dir");
            } else {
                System.setProperty("bonsai.plugins.dir", defaultFolder);
            }
        }
    }

    private static void runPlanWithAndWithoutTheJar(Path plan, Path work, Path withJar,
            Path without) throws IOException {
        CliRunner with = new CliRunner();
        assertThat(with.run("prune", "--plugins", withJar.toString(), "--plan", plan.toString()))
                .as(with.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(work.resolve("summary.json").toFile());
        assertThat(summary.at("/kept_out_channels/conv1").toString()).isEqualTo("[0,2,4,6]");

        Files.delete(work.resolve("pruned.bonsai"));
        Files.delete(work.resolve("summary.json"));
        CliRunner alone = new CliRunner();
        assertThat(alone.run("prune", "--plugins", without.toString(), "--plan", plan.toString()))
                .isEqualTo(2);
        assertThat(alone.err()).contains("importance.name: unknown importance"
                + " 'channel-scale'; available: ");
        assertThat(work.resolve("pruned.bonsai")).doesNotExist();
        assertThat(work.resolve("summary.json")).doesNotExist();
    }

    private static List<Integer> prune(Graph g, ImportanceCriterion criterion) {
        KeptChannels kept = KeptChannels.of(g);
        new MetaPruner().start(g, PruningConfig.builder().setImportance(criterion).optRatio(0.5)
                .build()).stepInteractive().forEachRemaining(group -> {
                    kept.record(group);
                    group.prune();
                });
        return kept.keptOutChannels("conv1");
    }

    private static Graph scaledNetwork(PluginHost host) {
        GraphBuilder b = host.newGraphBuilder("scaled", 1);
        Value x = b.input("input", new Shape(1, 3, 8, 8));
        Value h = b.op("example.channel_scale", "scale1", Attributes.of(),
                b.conv2d("conv1", x, 8, 3, 1, 1));
        b.output(b.conv2d("conv2", b.relu("relu", h), 4, 1, 1, 0));
        Graph g = b.build();
        float[] conv1 = new float[8 * 3 * 3 * 3];
        float[] scale = new float[8];
        for (int c = 0; c < 8; c++) {
            for (int k = 0; k < 27; k++) {
                conv1[c * 27 + k] = c % 2 == 1 ? 0.2f : 0.1f;
            }
            scale[c] = c % 2 == 0 ? 10f : 0.01f;
        }
        overwrite(g, "conv1.weight", conv1);
        overwrite(g, "scale1.scale", scale);
        float[] conv2 = new float[4 * 8];
        Arrays.fill(conv2, 0.1f);
        overwrite(g, "conv2.weight", conv2);
        return g;
    }

    private static void overwrite(Graph g, String name, float[] values) {
        NDArray a = g.parameters().get(name).array();
        try (NDArray v = a.getManager().create(values, a.getShape())) {
            a.muli(0).addi(v);
        }
    }
}
