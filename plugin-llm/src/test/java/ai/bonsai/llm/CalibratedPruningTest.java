package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.core.importance.FlapImportance;
import ai.bonsai.core.importance.TaylorImportance;
import ai.bonsai.core.importance.WandaImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calibrated criteria on calibration ids: FLAP with bias compensation, Wanda-sp, first-order Taylor. */
class CalibratedPruningTest {

    private static final WidthPlan PLAN = new WidthPlan(0.5, 0.3, 0, true, 0, 4);

    @TempDir
    Path dir;

    @Test
    void flapBiasCompensationBringsTheExportedModelCloserToTheOriginal() throws IOException {
        Path compensated = dir.resolve("compensated");
        Path plain = dir.resolve("plain");
        try (Graph original = Models.read(Models.fixture("tiny_llama")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_llama", m);
            NDArray reference = Models.logits(original, ids);
            try (Graph g = OutputBiases.add(original, PluginHost.classpathOnly().newGraphBuilder("flap", 0))) {
                assertThat(Models.maxAbsDiff(Models.logits(g, ids), reference)).isZero();
                prune(g, new FlapImportance(), ids);
                new HfDecoderFormat().write(g, compensated);
                for (int i = 0; i < 4; i++) {
                    for (String bias : new String[] {"self_attn.o_proj.bias", "mlp.down_proj.bias"}) {
                        NDArray b = g.parameters().get(TensorLayout.layer(i) + bias).array();
                        assertThat(b.abs().max().getFloat()).isGreaterThan(0f);
                        b.muli(0);
                    }
                }
                new HfDecoderFormat().write(g, plain);
            }
            float withCompensation = meanSquaredError(compensated, ids, reference);
            float without = meanSquaredError(plain, ids, reference);
            assertThat(withCompensation).isLessThan(without);
        }
        JsonNode config = new ObjectMapper().readTree(compensated.resolve("config.json").toFile());
        assertThat(config.get("attention_bias").asBoolean()).isTrue();
        assertThat(config.get("mlp_bias").asBoolean()).isTrue();
        assertThat(config.has("bonsai")).isFalse();
    }

    @Test
    void biasesAQwen2ConfigCannotExpressAreRecordedUnderTheBonsaiKey() throws IOException {
        Path out = dir.resolve("qwen2");
        try (Graph original = Models.read(Models.fixture("tiny_qwen2")); NDManager m = NDManager.newBaseManager();
                Graph g = OutputBiases.add(original, PluginHost.classpathOnly().newGraphBuilder("b", 0))) {
            NDArray ids = Models.ids("tiny_qwen2", m);
            prune(g, new FlapImportance(), ids);
            NDArray logits = Models.logits(g, ids);
            new HfDecoderFormat().write(g, out);
            try (Graph back = Models.read(out)) {
                assertThat(back.parameters()).containsKey("model.layers.0.self_attn.o_proj.bias");
                assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
            }
        }
        JsonNode biases = new ObjectMapper().readTree(out.resolve("config.json").toFile()).get("bonsai").get("biases");
        assertThat(biases.get("o_proj").asBoolean()).isTrue();
        assertThat(biases.get("mlp").asBoolean()).isTrue();
    }

    @Test
    void wandaSpPrunesOnCalibrationActivationsAndReloads() {
        Path out = dir.resolve("wanda");
        try (Graph g = Models.read(Models.fixture("tiny_qwen3")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_qwen3", m);
            prune(g, new WandaImportance(), ids);
            assertThat(GraphShapes.of(g).layers()).containsOnly(new LayerShape(4, 1, 16, 123));
            NDArray logits = Models.logits(g, ids);
            new HfDecoderFormat().write(g, out);
            try (Graph back = Models.read(out)) {
                assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
            }
        }
    }

    @Test
    void firstOrderTaylorPrunesOnCalibrationGradientsAndReloads() {
        Path out = dir.resolve("taylor");
        try (Graph g = Models.read(Models.fixture("tiny_llama")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_llama", m);
            prune(g, new TaylorImportance(), ids);
            assertThat(GraphShapes.of(g).layers()).containsOnly(new LayerShape(4, 1, 8, 123));
            NDArray logits = Models.logits(g, ids);
            new HfDecoderFormat().write(g, out);
            try (Graph back = Models.read(out)) {
                assertThat(Models.maxAbsDiff(Models.logits(back, ids), logits)).isLessThan(1e-4f);
            }
        }
    }

    private static void prune(Graph g, CalibratedCriterion criterion, NDArray ids) {
        criterion.accumulate(g, new NDList(ids));
        new MetaPruner().start(g, PLAN.toConfig(GraphShapes.of(g), criterion)).step();
    }

    private static float meanSquaredError(Path folder, NDArray ids, NDArray reference) {
        try (Graph g = Models.read(folder)) {
            return Models.logits(g, ids).sub(reference).square().mean().getFloat();
        }
    }
}
