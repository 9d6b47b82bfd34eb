package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the diffusers fixture folder: structure, parameter count and PyTorch's output. */
class DiffusersUNetFormatTest {

    @Test
    void forwardEqualsPyTorchAtTimestep500() {
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            NDArray out = new GraphExecutor(g).forward(Fixture.inputs(m)).head();
            NDArray expected = Fixture.expected(m);
            assertThat(out.getShape()).isEqualTo(expected.getShape());
            assertThat(Fixture.maxAbsDiff(out, expected)).isLessThan(1e-4f);
        }
    }

    @Test
    void countsTheFixturesParameters() {
        try (Graph g = Fixture.read()) {
            assertThat(OpCounter.count(g).params()).isEqualTo(177_427);
            assertThat(g.inputs()).extracting(v -> v.name()).containsExactly("sample", "timestep");
        }
    }

    @Test
    void claimsDiffusersUNetFoldersOnly(@TempDir Path dir) throws IOException {
        DiffusersUNetFormat format = new DiffusersUNetFormat();
        assertThat(format.supports(Fixture.folder())).isTrue();
        assertThat(format.supports(Fixture.folder().resolve("config.json"))).isFalse();
        Files.writeString(dir.resolve("config.json"), "{\"_class_name\": \"UNet2DConditionModel\"}");
        Files.writeString(dir.resolve("diffusion_pytorch_model.safetensors"), "");
        assertThat(format.supports(dir)).isFalse();
    }

    @Test
    void namesAnUnsupportedBlockType(@TempDir Path dir) throws IOException {
        String config = Files.readString(Fixture.folder().resolve("config.json"))
                .replace("\"AttnDownBlock2D\"", "\"CrossAttnDownBlock2D\"");
        Files.writeString(dir.resolve("config.json"), config);
        Files.copy(Fixture.folder().resolve("diffusion_pytorch_model.safetensors"),
                dir.resolve("diffusion_pytorch_model.safetensors"));
        assertThatThrownBy(() -> Fixture.read(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("down_block_types")
                .hasMessageContaining("'CrossAttnDownBlock2D' is not supported");
    }
}
