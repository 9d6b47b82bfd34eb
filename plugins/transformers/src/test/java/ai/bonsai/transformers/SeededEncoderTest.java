package ai.bonsai.transformers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models built from a config alone (seeded weights): DeiT's extra token, BERT's base model. */
class SeededEncoderTest {

    private static Graph fromConfig(Path dir, String architecture, Shape input, String json) throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, json);
        return new TransformersAdapter().build(new ModelSpec(architecture, input,
                Map.of(TransformersAdapter.CONFIG, config.toString())), Fixtures.host().newGraphBuilder(architecture, 3));
    }

    @Test
    void deitHasADistillationTokenAndExportsHeadsWithoutSourceWeightsUnderTheBonsaiKey(@TempDir Path tmp)
            throws Exception {
        String json = "{\"architectures\": [\"DeiTForImageClassification\"], \"model_type\": \"deit\","
                + " \"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 2, \"intermediate_size\": 64,"
                + " \"image_size\": 16, \"patch_size\": 8, \"num_labels\": 5}";
        Path out = tmp.resolve("out");
        try (Graph g = fromConfig(tmp, "deit", new Shape(1, 3, 16, 16), json); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.parameters().get("deit.embeddings.position_embeddings").shape()).isEqualTo(new Shape(1, 6, 32));
            assertThat(g.parameters()).containsKeys("deit.embeddings.distillation_token", "deit.layernorm.weight",
                    "deit.encoder.layer.1.attention.attention.query.weight", "classifier.weight");
            NDList in = new NDList(m.randomNormal(new Shape(1, 3, 16, 16)));
            new MetaPruner().start(g, new EncoderPruning(0.25, 0, 0, 0, false).configure(g, new MagnitudeImportance())
                    .build()).step();
            NDArray pruned = Fixtures.forward(g, in);
            Fixtures.host().formats().get("hf-encoder").write(g, out);
            JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
            assertThat(config.has("pruned_heads")).isFalse();
            assertThat(config.get("bonsai").get("layers").get(0).get("num_attention_heads").asInt()).isEqualTo(3);
            try (Graph reloaded = new TransformersAdapter().build(new ModelSpec("deit", new Shape(1, 3, 16, 16),
                    Map.of(TransformersAdapter.MODEL_DIR, out.toString())), Fixtures.host().newGraphBuilder("deit", 0))) {
                assertThat(Fixtures.maxDiff(Fixtures.forward(reloaded, in), pruned)).isLessThan(1e-5f);
            }
        }
    }

    @Test
    void bertBaseModelGivesHiddenStatesAndPooledOutputUnderUnprefixedNames(@TempDir Path tmp) throws Exception {
        String json = "{\"architectures\": [\"BertModel\"], \"model_type\": \"bert\", \"hidden_size\": 16,"
                + " \"num_attention_heads\": 2, \"num_hidden_layers\": 1, \"intermediate_size\": 32, \"vocab_size\": 50,"
                + " \"max_position_embeddings\": 8}";
        try (Graph g = fromConfig(tmp, "bert", new Shape(2, 5), json); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.parameters()).containsKeys("embeddings.word_embeddings.weight", "pooler.dense.weight",
                    "encoder.layer.0.attention.self.query.bias");
            assertThat(g.outputs()).hasSize(2);
            NDList out = Fixtures.forwardAll(g, new NDList(m.randomInteger(0, 50, new Shape(2, 5), DataType.INT64),
                    m.ones(new Shape(2, 5), DataType.INT64), m.zeros(new Shape(2, 5), DataType.INT64)));
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 5, 16));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 16));
        }
    }
}
