package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.depgraph.DefaultDependencyGroups;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Head-dimension pruning under rotary embeddings ({@code head_dim_ratio} of the {@code llm}
 * pruner): whole rotary pairs, the same in every head, their original frequencies kept through
 * export and reload.
 */
class HeadDimPruningTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Prunes a graph in place with the llm pruner (magnitude) and returns its sizes. */
    private static LlmConfig prune(Graph g, Map<String, ?> parameters, double ratio) {
        PruningRun run = PluginHost.classpathOnly().pruners().get("llm").withParameters(parameters)
                .start(g, PruningConfig.builder().setImportance(new MagnitudeImportance()).optRatio(ratio).build(),
                        List.of());
        run.step();
        assertThat(run.rebuilt()).isEmpty();
        return GraphShapes.of(g);
    }

    @Test
    void tinyLlamaExportsHeadDimAndKeptPairsAndReloadsToTheSameLogits() throws IOException {
        Path out = dir.resolve("out");
        try (Graph g = Models.read(Models.fixture("tiny_llama")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_llama", m);
            LlmConfig pruned = prune(g, Map.of("head_dim_ratio", 0.25), 0);
            for (LayerShape l : pruned.layers()) {
                assertThat(l.headDim()).isEqualTo(6);
                assertThat(l.rope().baseHeadDim()).isEqualTo(8);
                assertThat(l.rope().kept()).hasSize(3);
                assertThat(l.numHeads()).isEqualTo(8);
                assertThat(l.numKvHeads()).isEqualTo(2);
            }
            NDArray logits = Models.logits(g, ids);
            new HfDecoderFormat().write(g, out);
            JsonNode config = JSON.readTree(out.resolve(HfFolder.CONFIG).toFile());
            assertThat(config.get("head_dim").asInt()).isEqualTo(6);
            JsonNode pairs = config.get("bonsai").get("rope_pairs");
            assertThat(pairs.size()).isEqualTo(4);
            for (int i = 0; i < 4; i++) {
                assertThat(pairs.get(i).get("base_head_dim").asInt()).isEqualTo(8);
                assertThat(JSON.convertValue(pairs.get(i).get("pairs"), int[].class))
                        .containsExactly(pruned.layers().get(i).rope().kept().stream().mapToInt(x -> x).toArray());
            }
            assertTensorShapes(out, 8, 2, 6, false);
            try (Graph back = Models.read(out)) {
                assertThat(GraphShapes.of(back).layers()).isEqualTo(pruned.layers());
                assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
            }
            ObjectNode standard = (ObjectNode) config;
            standard.remove("bonsai");
            Files.writeString(out.resolve(HfFolder.CONFIG), standard.toString());
            try (Graph recomputed = Models.read(out)) {
                assertThat(Models.maxAbsDiff(Models.logits(recomputed, ids), logits))
                        .as("frequencies and scale recomputed for head_dim 6 compute something else")
                        .isGreaterThan(1e-3f);
            }
        }
    }

    @Test
    void tinyQwen3LosesTheSameDimsInItsQueryAndKeyNormsAlongsideHeadsAndMlpAndStreamsOut() throws IOException {
        Path out = dir.resolve("out");
        try (Graph g = Models.read(Models.fixture("tiny_qwen3")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_qwen3", m);
            LlmConfig pruned = prune(g, Map.of("head_dim_ratio", 0.25, "head_ratio", 0.5, "mlp_ratio", 0.3), 0);
            assertThat(pruned.layers()).allSatisfy(l -> {
                assertThat(l.headDim()).isEqualTo(12);
                assertThat(l.numHeads()).isEqualTo(4);
                assertThat(l.numKvHeads()).isEqualTo(1);
                assertThat(l.intermediateSize()).isEqualTo(123);
                assertThat(l.rope().baseHeadDim()).isEqualTo(16);
            });
            NDArray logits = Models.logits(g, ids);
            new HfDecoderFormat().write(g, out);
            assertThat(JSON.readTree(out.resolve(HfFolder.CONFIG).toFile()).get("head_dim").asInt()).isEqualTo(12);
            assertTensorShapes(out, 4, 1, 12, true);
            Path streamed = dir.resolve("streamed");
            HfWriter.write(g, streamed, TensorType.F32, HfWriter.DEFAULT_SHARD_BYTES, Map.of(), true);
            assertTensorShapes(streamed, 4, 1, 12, true);
            for (Path folder : List.of(out, streamed)) {
                try (Graph back = Models.read(folder)) {
                    assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).as(folder.toString())
                            .isLessThan(1e-4f);
                }
            }
        }
    }

    @Test
    void aLayerRangeGivesPerLayerHeadSizesThatReloadThroughTheBonsaiKey() throws IOException {
        Path out = dir.resolve("out");
        try (Graph g = Models.read(Models.fixture("tiny_llama")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_llama", m);
            LlmConfig pruned = prune(g, Map.of("head_dim_ratio", 0.5, "layers", List.of(1L, 3L)), 0);
            assertThat(pruned.layers().stream().map(LayerShape::headDim)).containsExactly(8, 4, 4, 8);
            assertThat(pruned.layers().get(0).rope().isAll()).isTrue();
            NDArray logits = Models.logits(g, ids);
            new HfDecoderFormat().write(g, out);
            JsonNode bonsai = JSON.readTree(out.resolve(HfFolder.CONFIG).toFile()).get("bonsai");
            assertThat(bonsai.get("layers").get(1).get("head_dim").asInt()).isEqualTo(4);
            assertThat(bonsai.get("rope_pairs").get(0).get("pairs").size()).isEqualTo(4);
            assertThat(bonsai.get("rope_pairs").get(1).get("pairs").size()).isEqualTo(2);
            try (Graph back = Models.read(out)) {
                assertThat(GraphShapes.of(back).layers()).isEqualTo(pruned.layers());
                assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_llama", "tiny_qwen2"})
    void thePrunedModelEqualsTheOriginalWithTheRemovedDimsZeroedInQueryKeyAndValue(String fixture) {
        try (Graph original = Models.read(Models.fixture(fixture)); Graph g = Models.read(Models.fixture(fixture));
                NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids(fixture, m);
            NDArray before = Models.logits(original, ids);
            LlmConfig pruned = prune(g, Map.of("head_dim_ratio", 0.5), 0);
            NDArray logits = Models.logits(g, ids);
            for (int i = 0; i < pruned.layers().size(); i++) {
                LayerShape l = pruned.layers().get(i);
                assertThat(l.headDim()).isEqualTo(4);
                int d = l.rope().baseHeadDim();
                int[] removed = IntStream.range(0, d / 2).filter(j -> !l.rope().kept().contains(j)).toArray();
                assertThat(removed).hasSize(2);
                zero(original, TensorLayout.layer(i) + "self_attn.q_proj", l.numHeads(), d, removed);
                zero(original, TensorLayout.layer(i) + "self_attn.k_proj", l.numKvHeads(), d, removed);
                zero(original, TensorLayout.layer(i) + "self_attn.v_proj", l.numKvHeads(), d, removed);
            }
            NDArray masked = Models.logits(original, ids);
            assertThat(Models.maxAbsDiff(masked, before)).as("the removed dims mattered").isGreaterThan(1e-3f);
            assertThat(Models.maxAbsDiff(logits, masked)).isLessThan(1e-4f);
        }
    }

    /** Zeroes dims j and j + d/2 of every head in a projection's weight rows and bias. */
    private static void zero(Graph g, String projection, int heads, int d, int[] pairs) {
        for (String tensor : new String[] {".weight", ".bias"}) {
            var p = g.parameters().get(projection + tensor);
            if (p == null) {
                continue;
            }
            NDArray w = p.array();
            for (int h = 0; h < heads; h++) {
                for (int j : pairs) {
                    w.set(new NDIndex("{}", h * d + j), 0f);
                    w.set(new NDIndex("{}", h * d + j + d / 2), 0f);
                }
            }
        }
    }

    @Test
    void aRemovalThatSplitsARotaryPairIsRefusedNamingTheRotaryNode() {
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            var group = new DefaultDependencyGroups().ofOutChannels(g, g.node("model.layers.1.self_attn.k_proj"),
                    IndexSet.of(0, 8));
            assertThatThrownBy(group::prune).isInstanceOf(PruningException.class)
                    .hasMessageContaining("node 'model.layers.1.self_attn.k_rotary' (llm.rotary) can only lose whole"
                            + " heads or whole rotary pairs (positions i and i + 4 of every head together)")
                    .hasMessageContaining("separates [0]");
        }
    }

    @Test
    void aRatioThatRemovesNoPairOrABadValueNamesTheParameter() {
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            assertThatThrownBy(() -> prune(g, Map.of("head_dim_ratio", 0.1), 0)).isInstanceOf(ConfigException.class)
                    .hasMessage("pruner.head_dim_ratio: 0.1 removes 0 of the 4 rotary pairs of each head in layer 0;"
                            + " must be 1 to 3");
            assertThat(GraphShapes.of(g).layers()).containsOnly(new LayerShape(8, 2, 8, 176));
        }
        assertThatThrownBy(() -> LlmPruneSettings.parse(Map.of("head_dim_ratio", 1.5)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("pruner.head_dim_ratio: must be a number in [0, 1), found 1.5");
    }

    @Test
    void aConfigWhosePairsDoNotSpanTheHeadIsRefusedNamingTheField() throws IOException {
        Path out = dir.resolve("out");
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            prune(g, Map.of("head_dim_ratio", 0.25), 0);
            new HfDecoderFormat().write(g, out);
        }
        ObjectNode config = (ObjectNode) JSON.readTree(out.resolve(HfFolder.CONFIG).toFile());
        ((ObjectNode) config.get("bonsai").get("rope_pairs").get(2)).putArray("pairs").add(0).add(3).add(1);
        Files.writeString(out.resolve(HfFolder.CONFIG), config.toString());
        assertThatThrownBy(() -> ConfigReader.read(out.resolve(HfFolder.CONFIG)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageEndingWith("field 'bonsai.rope_pairs[2].pairs': must be ascending pair indices in"
                        + " [0, base_head_dim / 2 = 4), found [0,3,1]");
    }

    /** Checks every attention tensor of an exported folder against the expected sizes. */
    private static void assertTensorShapes(Path out, int heads, int kvHeads, int headDim, boolean qkNorm) {
        Checkpoint weights = Checkpoint.open(out);
        for (int i = 0; i < 4; i++) {
            String p = TensorLayout.layer(i) + "self_attn.";
            Map<String, Shape> expected = new HashMap<>(Map.of(
                    p + "q_proj.weight", new Shape(heads * headDim, 64),
                    p + "k_proj.weight", new Shape(kvHeads * headDim, 64),
                    p + "v_proj.weight", new Shape(kvHeads * headDim, 64),
                    p + "o_proj.weight", new Shape(64, heads * headDim)));
            if (qkNorm) {
                expected.put(p + "q_norm.weight", new Shape(headDim));
                expected.put(p + "k_norm.weight", new Shape(headDim));
            }
            expected.forEach((name, shape) ->
                    assertThat(weights.fileOf(name).entries().get(name).shape()).as(name).isEqualTo(shape));
        }
    }
}
