package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Resources;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bonsai sample} through the built plugin jars: the {@code ddpm_unet_micro} fixture
 * (16×16 RGB), pruned 30 % with L2 magnitude ({@code conv_out} ignored) and written as a
 * diffusers folder, samples a PNG grid of the right size, the same for the same seed; a model no
 * sampler accepts exits 1 naming it, and writes nothing.
 */
class SampleCommandTest {

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    private Path plugins;
    private Path pruned;

    @BeforeEach
    void prunedFixture() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPlugins.copyInto(plugins);
        // the distribution's plugins folder: empty here, the jars come with --plugins
        TestPlugins.useEmptyAsDefault(tmp.resolve("no-plugins"));
        Path source = Resources.path("fixtures/ddpm_unet_micro");
        pruned = tmp.resolve("pruned");
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            ModelFormat diffusers = host.formatFor(source);
            try (Graph g = diffusers.read(source, host.newGraphBuilder("unet", 0))) {
                long before = OpCounter.count(g).params();
                new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance())
                        .optRatio(0.3).optIgnoredLayers(List.of("conv_out")).build()).step();
                assertThat(OpCounter.count(g).params()).isLessThan(before / 2);
                diffusers.write(g, pruned, Map.of());
            }
        }
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    @Test
    void writesAPngGridOfTheRightSizeFromThePrunedUNet() throws IOException {
        Path grid = tmp.resolve("grid.png");
        assertThat(cli.run("--plugins", plugins.toString(), "sample", pruned.toString(), "--steps", "3",
                "--seed", "0", "--count", "5", "--out", grid.toString())).as(cli.err()).isZero();
        BufferedImage image = ImageIO.read(grid.toFile());
        assertThat(image.getWidth()).isEqualTo(3 * 16);
        assertThat(image.getHeight()).isEqualTo(2 * 16);
        assertThat(cli.out()).contains("5 images (ddim, 3 steps, seed 0), 3 x 2 grid, 48 x 32 pixels");

        Path again = tmp.resolve("again.png");
        assertThat(cli.run("--plugins", plugins.toString(), "sample", pruned.toString(), "--steps", "3",
                "--count", "5", "--out", again.toString())).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(grid));
    }

    @Test
    void aModelNoSamplerAcceptsFailsNamingIt() throws IOException {
        Path net = Files.copy(Resources.path("fixtures/tiny_resnet.onnx"), tmp.resolve("net.onnx"));
        Path grid = tmp.resolve("grid.png");
        assertThat(cli.run("--plugins", plugins.toString(), "sample", net.toString(), "--out", grid.toString()))
                .isEqualTo(1);
        assertThat(cli.err()).contains("no sampler accepts model '" + net + "'; samplers: [ddim]");
        assertThat(grid).doesNotExist();
    }
}
