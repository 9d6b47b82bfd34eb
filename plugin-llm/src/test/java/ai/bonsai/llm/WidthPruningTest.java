package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Width pruning through DepGraph and the meta pruner, exported and reloaded. */
class WidthPruningTest {

    @TempDir
    Path dir;

    @Test
    void uniformHeadsAndMlpGiveAStandardCheckpointWithTheSameLogits() throws IOException {
        Path source = Models.synthetic(dir, "llama", 4);
        LlmConfig pruned = pruneExportReload(source, new WidthPlan(0.25, 0.3, 0, true, 0, 4));
        assertThat(pruned.uniform()).isTrue();
        assertThat(pruned.layers()).containsOnly(new LayerShape(6, 3, 8, 123));
        assertThat(pruned.hiddenSize()).isEqualTo(64);
        JsonNode json = configJson(dir.resolve("out"));
        assertThat(json.get("num_attention_heads").asInt()).isEqualTo(6);
        assertThat(json.get("num_key_value_heads").asInt()).isEqualTo(3);
        assertThat(json.get("head_dim").asInt()).isEqualTo(8);
        assertThat(json.get("intermediate_size").asInt()).isEqualTo(123);
        assertThat(json.has("bonsai")).isFalse();
    }

    @Test
    void aKeyValueHeadGoesWithItsWholeQueryGroupOnTheFixture() throws IOException {
        LlmConfig pruned = pruneExportReload(Models.fixture("tiny_qwen3"), new WidthPlan(0.5, 0.3, 0, true, 0, 4));
        assertThat(pruned.layers()).containsOnly(new LayerShape(4, 1, 16, 123));
    }

    @Test
    void globalRankingGivesPerLayerSizesThatReloadThroughTheBonsaiKey() throws IOException {
        Path source = Models.synthetic(dir, "mistral", 4);
        LlmConfig pruned = pruneExportReload(source, new WidthPlan(0.25, 0.3, 0, false, 0, 4));
        assertThat(pruned.uniform()).isFalse();
        assertThat(pruned.layers().stream().mapToInt(LayerShape::numKvHeads).sum()).isEqualTo(12);
        assertThat(pruned.layers().stream().mapToInt(LayerShape::intermediateSize).sum())
                .isBetween(4 * 176 - 212, 4 * 176 - 210);
        JsonNode layers = configJson(dir.resolve("out")).get("bonsai").get("layers");
        assertThat(layers.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(layers.get(i).get("intermediate_size").asInt())
                    .isEqualTo(pruned.layers().get(i).intermediateSize());
        }
    }

    @Test
    void hiddenSizePruningShrinksEmbeddingNormsProjectionsAndTiedHead() throws IOException {
        LlmConfig pruned = pruneExportReload(Models.fixture("tiny_qwen2"), new WidthPlan(0, 0, 0.25, true, 0, 4));
        assertThat(pruned.hiddenSize()).isEqualTo(48);
        assertThat(pruned.layers()).containsOnly(new LayerShape(8, 2, 8, 176));
        assertThat(pruned.tieWordEmbeddings()).isTrue();
    }

    @Test
    void headsAndHiddenByOneRatioKeepHiddenEqualToHeadsTimesHeadDim() throws IOException {
        Path source = Models.synthetic(dir, "llama", 4);
        LlmConfig pruned = pruneExportReload(source, new WidthPlan(0.25, 0.3, 0.25, true, 0, 4));
        assertThat(pruned.layers()).containsOnly(new LayerShape(6, 3, 8, 123));
        assertThat(pruned.hiddenSize()).isEqualTo(6 * 8);
    }

    @Test
    void aLayerRangeLeavesTheOtherLayersWhole() throws IOException {
        LlmConfig pruned = pruneExportReload(Models.fixture("tiny_llama"), new WidthPlan(0.5, 0.5, 0, true, 1, 3));
        assertThat(pruned.layers()).containsExactly(new LayerShape(8, 2, 8, 176), new LayerShape(4, 1, 8, 88),
                new LayerShape(4, 1, 8, 88), new LayerShape(8, 2, 8, 176));
    }

    @Test
    void perLayerMlpRatiosReplaceTheCommonOne() throws IOException {
        LlmConfig pruned = pruneExportReload(Models.fixture("tiny_llama"),
                new WidthPlan(0, 0.25, 0, true, 0, 4).withLayerMlpRatio(2, 0.5).withLayerMlpRatio(3, 0));
        assertThat(pruned.layers().stream().map(LayerShape::intermediateSize))
                .containsExactly(132, 132, 88, 176);
        assertThat(pruned.uniform()).isFalse();
    }

    /**
     * Prunes a folder, checks the pruned graph still runs, exports it, reloads it, compares the
     * logits and the config with the tensors; returns the reloaded config.
     */
    private LlmConfig pruneExportReload(Path source, WidthPlan plan) throws IOException {
        Path out = dir.resolve("out");
        try (Graph g = Models.read(source); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_llama", m);
            new MetaPruner().start(g, plan.toConfig(GraphShapes.of(g), new MagnitudeImportance())).step();
            NDArray logits = Models.logits(g, ids);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 12, 128));
            new HfDecoderFormat().write(g, out);
            try (Graph back = Models.read(out)) {
                assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
                assertThat(shapes(back)).isEqualTo(shapes(g));
            }
        }
        LlmConfig config = ConfigReader.read(out.resolve(HfFolder.CONFIG));
        Checkpoint weights = Checkpoint.open(out);
        Map<String, Shape> expected = TensorLayout.shapes(config);
        assertThat(weights.names()).isEqualTo(new java.util.TreeSet<>(expected.keySet()));
        expected.forEach((name, shape) ->
                assertThat(weights.fileOf(name).entries().get(name).shape()).as(name).isEqualTo(shape));
        return config;
    }

    private static Map<String, Shape> shapes(Graph g) {
        return g.parameters().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().shape()));
    }

    private static JsonNode configJson(Path folder) throws IOException {
        return new ObjectMapper().readTree(folder.resolve(HfFolder.CONFIG).toFile());
    }
}
