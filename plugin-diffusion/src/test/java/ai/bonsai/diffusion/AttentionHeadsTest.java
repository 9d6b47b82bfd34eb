package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture with attention_head_dim 8 (4 heads of 8): head dims pruned alike in every head. */
class AttentionHeadsTest {

    private static Graph fourHeads(Path dir) throws IOException {
        String config = Files.readString(Fixture.folder().resolve("config.json"))
                .replace("\"attention_head_dim\": null", "\"attention_head_dim\": 8");
        Files.writeString(dir.resolve("config.json"), config);
        Files.copy(Fixture.folder().resolve("diffusion_pytorch_model.safetensors"),
                dir.resolve("diffusion_pytorch_model.safetensors"));
        return Fixture.read(dir);
    }

    @Test
    void declaredHeadsLetThePrunerShrinkEveryHead(@TempDir Path dir) throws IOException {
        try (Graph g = fourHeads(dir); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.node("mid_block.attentions.0.processor").attributes().getInt("num_heads"))
                    .isEqualTo(4);
            PruningConfig.Builder config = Pruning.l2Local30();
            assertThat(AttentionHeads.declare(config, g))
                    .containsEntry("mid_block.attentions.0.to_q", 4)
                    .containsEntry("mid_block.attentions.0.to_v", 4)
                    .hasSize(4 * 3);
            new MetaPruner().start(g, config.build()).step();

            assertThat(g.node("mid_block.attentions.0.to_q").parameter("weight").shape().get(0))
                    .isEqualTo(4 * 5);
            assertThat(g.node("mid_block.attentions.0.processor").attributes().getDouble("scale"))
                    .isEqualTo(1 / Math.sqrt(8));
            assertThat(new GraphExecutor(g).forward(Fixture.inputs(m)).head().getShape())
                    .isEqualTo(Fixture.expected(m).getShape());
        }
    }

    @Test
    void withoutThemTheAttentionKeepsItsWidth(@TempDir Path dir) throws IOException {
        try (Graph g = fourHeads(dir)) {
            Pruning.pruneL2Local30(g);
            assertThat(g.node("mid_block.attentions.0.to_q").parameter("weight").shape().get(0))
                    .isEqualTo(32);
        }
    }
}
