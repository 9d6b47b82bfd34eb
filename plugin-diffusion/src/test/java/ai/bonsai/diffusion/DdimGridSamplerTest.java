package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Sampler;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ddim} sampler as the host hands it out (its {@code GraphRunner} injected): it accepts
 * the fixture UNet, writes a grid {@code ceil(sqrt(count))} images wide, and refuses a model that
 * is not a noise-predicting UNet.
 */
class DdimGridSamplerTest {

    @TempDir
    Path dir;

    private static Sampler ddim() {
        List<Sampler> samplers = Fixture.HOST.extensions(Sampler.class);
        assertThat(samplers).extracting(Sampler::name).containsExactly("ddim");
        return samplers.get(0);
    }

    @Test
    void writesTheGridOfTheFixture() throws IOException {
        try (Graph g = Fixture.read()) {
            Sampler sampler = ddim();
            assertThat(sampler.accepts(g)).isTrue();
            Sampler.Grid grid = sampler.sample(g, new Sampler.Settings(2, 0, 7, dir.resolve("grid.png")));
            assertThat(grid).isEqualTo(new Sampler.Grid(dir.resolve("grid.png"), 3, 3, 48, 48));
            BufferedImage image = ImageIO.read(grid.file().toFile());
            assertThat(image.getWidth()).isEqualTo(48);
            assertThat(image.getHeight()).isEqualTo(48);
        }
    }

    @Test
    void refusesAModelThatIsNotANoisePredictor() {
        GraphBuilder b = Fixture.HOST.newGraphBuilder("classifier", 0);
        b.output(b.linear("fc", b.input("x", new Shape(1, 8)), 2));
        try (Graph g = b.build()) {
            assertThat(ddim().accepts(g)).isFalse();
            assertThatThrownBy(() -> ddim().sample(g, new Sampler.Settings(1, 0, 1, dir.resolve("x.png"))))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("model 'classifier' is not a noise-predicting UNet");
            assertThat(dir.resolve("x.png")).doesNotExist();
        }
    }
}
