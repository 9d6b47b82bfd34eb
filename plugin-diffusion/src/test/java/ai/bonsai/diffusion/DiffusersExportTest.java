package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a (pruned) UNet back to a diffusers folder that this format reads back. */
class DiffusersExportTest {

    private final DiffusersUNetFormat format = new DiffusersUNetFormat();

    @Test
    void prunedFolderReloadsWithEqualOutput(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("pruned");
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            Pruning.pruneL2Local30(g);
            NDArray expected = new GraphExecutor(g).forward(Fixture.inputs(m)).head();
            format.write(g, out, Map.of("ratio", "0.3"));

            JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
            assertThat(config.get("block_out_channels").toString()).isEqualTo("[8,20]");
            assertThat(config.get("time_embedding_dim").asInt()).isEqualTo(44);
            assertThat(config.at("/bonsai/widths/mid_block.attentions.0.to_q").asInt()).isEqualTo(22);
            assertThat(config.at("/bonsai/attention_scale/mid_block.attentions.0").asDouble())
                    .isEqualTo(1 / Math.sqrt(32));
            assertThat(config.at("/bonsai_provenance/ratio").asText()).isEqualTo("0.3");
            assertThat(format.supports(out)).isTrue();

            try (Graph reloaded = Fixture.read(out)) {
                assertThat(Pruning.shapes(reloaded)).isEqualTo(Pruning.shapes(g));
                NDArray actual = new GraphExecutor(reloaded).forward(Fixture.inputs(m)).head();
                assertThat(Fixture.maxAbsDiff(actual, expected)).isLessThan(1e-6f);
            }
        }
    }

    @Test
    void unprunedModelNeedsNoBonsaiSection(@TempDir Path dir) throws IOException {
        try (Graph g = Fixture.read()) {
            format.write(g, dir);
        }
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(config.has("bonsai")).isFalse();
        assertThat(config.get("block_out_channels").toString()).isEqualTo("[16,32]");
        assertThat(config.get("time_embedding_dim").isNull()).isTrue();
    }

    @Test
    void aFailedWriteLeavesNoFile(@TempDir Path dir) throws IOException {
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the folder should be");
        try (Graph g = Fixture.read()) {
            assertThatThrownBy(() -> format.write(g, blocked))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("diffusion_pytorch_model.safetensors");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(blocked);
        }
    }
}
