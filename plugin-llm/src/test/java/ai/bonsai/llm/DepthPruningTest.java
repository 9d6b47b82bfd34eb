package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShortGPT depth pruning: block influence, layer removal, renumbered export. */
class DepthPruningTest {

    @TempDir
    Path dir;

    @Test
    void blockInfluenceIsOneMinusTheMeanTokenCosineOfEachLayer() {
        try (Graph g = Models.read(Models.fixture("tiny_llama")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_llama", m);
            double[] bi = BlockInfluence.of(g, pass(g), List.of(ids));
            assertThat(bi).hasSize(4);
            float[][] states = new float[5][];
            new GraphExecutor(g).forward(new NDList(ids), false, (node, in) -> {
                for (int i = 0; i < 4; i++) {
                    if (node.name().equals(TensorLayout.layer(i) + "input_layernorm")) {
                        states[i] = in.get(0).toFloatArray();
                    }
                }
                if (node.name().equals("model.norm")) {
                    states[4] = in.get(0).toFloatArray();
                }
            });
            for (int i = 0; i < 4; i++) {
                float[] a = states[i];
                float[] b = states[i + 1];
                double sum = 0;
                for (int t = 0; t < 24; t++) {
                    double dot = 0;
                    double na = 0;
                    double nb = 0;
                    for (int c = 0; c < 64; c++) {
                        dot += a[t * 64 + c] * b[t * 64 + c];
                        na += a[t * 64 + c] * a[t * 64 + c];
                        nb += b[t * 64 + c] * b[t * 64 + c];
                    }
                    sum += dot / Math.sqrt(na * nb);
                }
                assertThat(bi[i]).isCloseTo(1 - sum / 24, offset(1e-6));
            }
        }
    }

    @Test
    void removingOneOfFourLayersExportsThreeRenumberedLayers() throws IOException {
        Path out = dir.resolve("short");
        try (Graph g = Models.read(Models.fixture("tiny_qwen3")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_qwen3", m);
            int[] removed = DepthPruning.lowest(BlockInfluence.of(g, pass(g), List.of(ids)), 1);
            try (Graph shorter = DepthPruning.remove(g, removed,
                    PluginHost.classpathOnly().newGraphBuilder("short", 0))) {
                int src = 0;
                for (int i = 0; i < 3; i++, src++) {
                    if (src == removed[0]) {
                        src++;
                    }
                    for (String t : List.of("self_attn.q_proj.weight", "self_attn.k_norm.weight", "mlp.down_proj.weight")) {
                        assertThat(shorter.parameters().get(TensorLayout.layer(i) + t).array().toFloatArray())
                                .containsExactly(g.parameters().get(TensorLayout.layer(src) + t).array().toFloatArray());
                    }
                }
                assertThat(shorter.parameters()).doesNotContainKey(TensorLayout.layer(3) + "mlp.up_proj.weight");
                NDArray logits = Models.logits(shorter, ids);
                new HfDecoderFormat().write(shorter, out);
                try (Graph back = Models.read(out)) {
                    assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
                }
            }
        }
        assertThat(new ObjectMapper().readTree(out.resolve("config.json").toFile())
                .get("num_hidden_layers").asInt()).isEqualTo(3);
        assertThat(Checkpoint.open(out).names()).anyMatch(n -> n.startsWith("model.layers.2."))
                .noneMatch(n -> n.startsWith("model.layers.3."));
    }

    @Test
    void refusesToRemoveEveryLayer() {
        assertThatThrownBy(() -> DepthPruning.lowest(new double[] {0.1, 0.2}, 2))
                .isInstanceOf(ConfigException.class)
                .hasMessage("pruner.remove_layers: can remove 0 to 1 of 2 layers, asked for 2");
    }

    private static ForwardPass pass(Graph g) {
        return (inputs, observer) -> new GraphExecutor(g).forward(inputs, false, observer);
    }
}
