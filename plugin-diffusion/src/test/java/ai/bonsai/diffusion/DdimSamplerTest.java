package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DDIM (η = 0) sampling with the pruned fixture, written as a PNG grid. */
class DdimSamplerTest {

    @Test
    void oneStepFollowsTheDdimUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0.5f, -3f});
            NDArray eps = m.create(new float[] {0.2f, 0.1f});
            float[] next = DdimSampler.step(x, eps, 0.64, 0.81).toFloatArray();
            double x0 = (0.5 - 0.6 * 0.2) / 0.8;
            assertThat((double) next[0]).isCloseTo(0.9 * x0 + Math.sqrt(0.19) * 0.2,
                    org.assertj.core.data.Offset.offset(1e-6));
            assertThat((double) next[1]).isCloseTo(0.9 * -1 + Math.sqrt(0.19) * 0.1,
                    org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void samplesThePrunedFixtureIntoAPngGrid(@TempDir Path dir) throws IOException {
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            Pruning.pruneL2Local30(g);
            GraphExecutor exec = new GraphExecutor(g);
            DdimSampler sampler = new DdimSampler(DdpmSchedule.linear1000(), 4);
            DdimSampler.NoisePredictor unet = (x, t) -> exec.forward(new NDList(x, t)).head();
            NDArray a = sampler.sample(unet, m, new Shape(6, 3, 16, 16), 0);
            NDArray b = sampler.sample(unet, m, new Shape(6, 3, 16, 16), 0);
            assertThat(a.eq(b).all().getBoolean()).isTrue();
            assertThat(a.abs().max().getFloat()).isLessThanOrEqualTo(1f);

            Path png = dir.resolve("grid.png");
            ImageGrid.write(a, 3, png);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(3 * 16);
            assertThat(image.getHeight()).isEqualTo(2 * 16);
            float[] v = a.toFloatArray();
            int red = Math.round((v[0] + 1) / 2 * 255);
            assertThat((image.getRGB(0, 0) >> 16) & 0xff).isEqualTo(Math.max(0, Math.min(255, red)));
        }
    }
}
