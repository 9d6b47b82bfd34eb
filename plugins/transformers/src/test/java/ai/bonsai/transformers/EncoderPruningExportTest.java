package ai.bonsai.transformers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each pruning mode on each fixture: the pruned graph has the expected widths, its export reloads
 * with a config that agrees with its tensors, and the reloaded logits equal the in-memory ones.
 */
class EncoderPruningExportTest {

    private static EncoderPruning mode(String name) {
        return switch (name) {
            case "heads" -> new EncoderPruning(0.25, 0, 0, 0, false);
            case "head_dims" -> new EncoderPruning(0, 0.25, 0, 0, false);
            case "mlp" -> new EncoderPruning(0, 0, 0.3, 0, false);
            default -> new EncoderPruning(0, 0, 0, 0.25, false);
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        // fixture, mode, query rows, heads, intermediate, hidden, standard config
        "tiny_bert, heads, 48, 3, 128, 64, true",
        "tiny_bert, head_dims, 48, 4, 128, 64, false",
        "tiny_bert, mlp, 64, 4, 89, 64, true",
        "tiny_bert, hidden, 64, 4, 128, 48, false",
        "tiny_vit_hf, heads, 48, 3, 128, 64, true",
        "tiny_vit_hf, head_dims, 48, 4, 128, 64, false",
        "tiny_vit_hf, mlp, 64, 4, 89, 64, true",
        "tiny_vit_hf, hidden, 64, 4, 128, 48, false"})
    void prunedExportReloadsWithTheSameLogits(String fixture, String mode, int queryRows, int heads,
            int intermediate, int hidden, boolean standard, @TempDir Path out) throws Exception {
        EncoderNames names;
        try (Graph g = Fixtures.load(Fixtures.dir(fixture), fixture); NDManager m = NDManager.newBaseManager()) {
            names = EncoderFolder.configOf(g).names();
            NDList inputs = Fixtures.inputs(fixture, m);
            NDArray before = Fixtures.forward(g, inputs);
            new MetaPruner().start(g, mode(mode).configure(g, new MagnitudeImportance()).build()).step();
            for (int i = 0; i < 2; i++) {
                assertThat(g.node(names.projection(i, "value")).parameter("weight").shape())
                        .isEqualTo(new Shape(queryRows, hidden));
                assertThat(g.node(names.selfAttention(i)).attributes().getLong("num_heads")).isEqualTo(heads);
                assertThat(g.node(names.intermediate(i)).parameter("weight").shape())
                        .isEqualTo(new Shape(intermediate, hidden));
            }
            JsonNode config = exportAndReload(g, fixture, inputs, before, out, mode);
            assertThat(config.get("hidden_size").asInt()).isEqualTo(hidden);
            assertThat(config.get("num_attention_heads").asInt()).isEqualTo(4);
            assertThat(config.get("bonsai").has("layers")).isEqualTo(!standard);
            assertThat(config.has("pruned_heads")).isEqualTo(standard && heads < 4);
            if (standard) {
                assertThat(config.get("intermediate_size").asInt()).isEqualTo(intermediate);
                for (int i = 0; i < 2 && heads < 4; i++) {
                    JsonNode removed = config.get("pruned_heads").get(Integer.toString(i));
                    assertThat(removed).hasSize(4 - heads);
                    assertKeptRowsAreTheOriginalsWithout(fixture, out, names.projection(i, "query"), removed);
                }
            }
        }
    }

    @Test
    void globalHeadsAndMlpRankAcrossLayersAndExportPerLayerWidths(@TempDir Path out) throws Exception {
        try (Graph g = Fixtures.load(Fixtures.dir(Fixtures.BERT), Fixtures.BERT); NDManager m = NDManager.newBaseManager()) {
            EncoderNames names = EncoderFolder.configOf(g).names();
            NDList inputs = Fixtures.inputs(Fixtures.BERT, m);
            NDArray before = Fixtures.forward(g, inputs);
            new MetaPruner().start(g, new EncoderPruning(0.25, 0, 0.3, 0, true).configure(g, new MagnitudeImportance())
                    .build()).step();
            long heads = 0;
            long mlp = 0;
            for (int i = 0; i < 2; i++) {
                heads += g.node(names.selfAttention(i)).attributes().getLong("num_heads");
                mlp += g.node(names.intermediate(i)).parameter("weight").shape().get(0);
            }
            // 8 heads -> int(8 * 0.75); 256 MLP channels -> int(256 * 0.7)
            assertThat(heads).isEqualTo(6);
            assertThat(mlp).isEqualTo(179);
            JsonNode config = exportAndReload(g, Fixtures.BERT, inputs, before, out, "global");
            boolean uniform = g.node(names.intermediate(0)).parameter("weight").shape()
                    .equals(g.node(names.intermediate(1)).parameter("weight").shape());
            assertThat(config.get("bonsai").has("layers")).isEqualTo(!uniform);
        }
    }

    @Test
    void perLayerRatiosGiveNonUniformWidthsUnderTheBonsaiKey(@TempDir Path out) throws Exception {
        try (Graph g = Fixtures.load(Fixtures.dir(Fixtures.VIT), Fixtures.VIT); NDManager m = NDManager.newBaseManager()) {
            EncoderNames names = EncoderFolder.configOf(g).names();
            NDList inputs = Fixtures.inputs(Fixtures.VIT, m);
            NDArray before = Fixtures.forward(g, inputs);
            new MetaPruner().start(g, new EncoderPruning(0, 0, 0.3, 0, false).configure(g, new MagnitudeImportance())
                    .optRatio(names.intermediate(1), 0.5).build()).step();
            assertThat(g.node(names.intermediate(0)).parameter("weight").shape().get(0)).isEqualTo(89);
            assertThat(g.node(names.intermediate(1)).parameter("weight").shape().get(0)).isEqualTo(64);
            JsonNode config = exportAndReload(g, Fixtures.VIT, inputs, before, out, "per-layer");
            assertThat(config.get("bonsai").get("layers").get(1).get("intermediate_size").asInt()).isEqualTo(64);
            assertThat(config.get("intermediate_size").asInt()).isEqualTo(128);
        }
    }

    @Test
    void everyModeTogether(@TempDir Path out) throws Exception {
        try (Graph g = Fixtures.load(Fixtures.dir(Fixtures.BERT), Fixtures.BERT); NDManager m = NDManager.newBaseManager()) {
            EncoderNames names = EncoderFolder.configOf(g).names();
            NDList inputs = Fixtures.inputs(Fixtures.BERT, m);
            NDArray before = Fixtures.forward(g, inputs);
            new MetaPruner().start(g, new EncoderPruning(0.25, 0.25, 0.3, 0.25, false)
                    .configure(g, new MagnitudeImportance()).build()).step();
            // 3 heads of 12 dims, MLP 89, hidden 48 (pooler too)
            assertThat(g.node(names.projection(0, "query")).parameter("weight").shape()).isEqualTo(new Shape(36, 48));
            assertThat(g.node(names.intermediate(1)).parameter("weight").shape()).isEqualTo(new Shape(89, 48));
            assertThat(g.node(names.pooler()).parameter("weight").shape()).isEqualTo(new Shape(48, 48));
            JsonNode config = exportAndReload(g, Fixtures.BERT, inputs, before, out, "all");
            assertThat(config.get("hidden_size").asInt()).isEqualTo(48);
            assertThat(config.get("intermediate_size").asInt()).isEqualTo(89);
            assertThat(config.get("bonsai").get("layers").get(0).get("attention_head_size").asInt()).isEqualTo(12);
            assertThat(config.get("bonsai").get("layers").get(0).get("attention_scale").asDouble()).isEqualTo(0.25);
        }
    }

    /**
     * What Hugging Face's {@code prune_heads} does to a query projection: the original rows without
     * the listed heads' must be the exported rows.
     */
    private static void assertKeptRowsAreTheOriginalsWithout(String fixture, Path out, String query, JsonNode removed) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray original = Safetensors.read(Fixtures.dir(fixture).resolve("model.safetensors"), m).get(query + ".weight");
            NDArray exported = Safetensors.read(out.resolve("model.safetensors"), m).get(query + ".weight");
            List<NDArray> kept = new ArrayList<>();
            for (int h = 0; h < 4; h++) {
                int head = h;
                if (StreamSupport.stream(removed.spliterator(), false).noneMatch(r -> r.asInt() == head)) {
                    kept.add(original.get(new NDIndex("{}:{}", h * 16, (h + 1) * 16)));
                }
            }
            assertThat(NDArrays.concat(new NDList(kept.toArray(NDArray[]::new))).contentEquals(exported)).isTrue();
        }
    }

    /** Exports, checks provenance, reloads through the adapter and compares logits. */
    private static JsonNode exportAndReload(Graph g, String fixture, NDList inputs, NDArray before, Path out,
            String mode) throws Exception {
        NDArray pruned = Fixtures.forward(g, inputs);
        assertThat(Fixtures.maxDiff(pruned, before)).isGreaterThan(0f);
        Fixtures.host().formats().get("hf-encoder").write(g, out, Map.of("mode", mode));
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertThat(config.get("bonsai").get("provenance").get("mode").asText()).isEqualTo(mode);
        try (Graph reloaded = Fixtures.load(out, fixture)) {
            assertThat(reloaded.parameters().keySet()).isEqualTo(g.parameters().keySet());
            float diff = Fixtures.maxDiff(Fixtures.forward(reloaded, inputs), pruned);
            System.out.printf("%s %s: reloaded logits differ by %.2e%n", fixture, mode, diff);
            assertThat(diff).isLessThan(1e-4f);
        }
        return config;
    }
}
