package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.LayerChange;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PlanBinder;
import ai.bonsai.core.plan.PlanTree;
import ai.bonsai.core.plan.PruningPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token calibration through the embedding API, not only through {@code bonsai prune}: a plan
 * whose {@code calibration} names a plain-text file (encoded by the decoder folder's {@code
 * tokenizer.json}) or a token-id file prunes a language model exactly as the safetensors tensor
 * of the same tokens, and a pruned model keeps its origin, whose tokenizer it shares. A text file
 * for a model that no language-model extension reads is refused naming the file.
 */
class TextCalibrationEmbeddingTest {

    @TempDir
    Path tmp;

    private Bonsai bonsai;
    private Path llama;

    @BeforeEach
    void start() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPlugins.copyInto(plugins);
        bonsai = Bonsai.builder().optPluginsDir(plugins).build();
        llama = FixtureFolders.tinyLlama(tmp);
        FixtureFolders.addTokenizer(llama);
    }

    @AfterEach
    void stop() {
        bonsai.close();
    }

    private PruningPlan plan(Path calibration) {
        return PlanBinder.bind(PlanTree.parse(
                "model: {path: tiny_llama, input_shapes: {input_ids: [2, 12]}}\n"
                + "importance: wanda\n"
                + "pruner: {name: llm, ratio: 0.3, parameters: {uniform: false, head_ratio: 0.25}}\n"
                + "calibration: [" + calibration.getFileName() + "]\n", "test plan", tmp, true));
    }

    /** Prunes tiny_llama on one calibration file; returns the kept channels of every layer. */
    private List<LayerChange> prune(Path calibration) {
        PruningPlan plan = plan(calibration);
        try (BonsaiModel model = bonsai.load(plan);
                PruningResult result = bonsai.prune(model, plan)) {
            assertThat(result.model().origin()).contains(llama);
            return result.layers();
        }
    }

    @Test
    void textAndIdLinesCalibrateAsTheTensorOfTheSameTokens() throws IOException {
        SameTokenFiles files = SameTokenFiles.write(tmp);

        List<LayerChange> fromTensor = prune(files.tensor());
        assertThat(fromTensor).isNotEmpty();
        assertThat(prune(files.text())).isEqualTo(fromTensor);
        assertThat(prune(files.lines())).isEqualTo(fromTensor);
    }

    @Test
    void tooFewTokensForOneBatchNameTheFileAndTheShape() throws IOException {
        Path text = Files.writeString(tmp.resolve("short.txt"), "The cat sat on a red mat\n");
        PruningPlan plan = plan(text);
        try (BonsaiModel model = bonsai.load(plan)) {
            assertThatThrownBy(() -> bonsai.prune(model, plan))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("short.txt")
                    .hasMessageContaining("8 tokens, fewer than one batch")
                    .hasMessageContaining("(24)");
        }
    }

    @Test
    void aTextFileForAModelNoLanguageModelReadsIsRefusedNamingTheFile() throws IOException {
        Path onnx = Files.copy(Path.of("src/test/resources/fixtures/tiny_mlp.onnx"), tmp.resolve("tiny_mlp.onnx"));
        Path text = Files.writeString(tmp.resolve("notes.txt"), "some words\n");
        PruningPlan plan = PlanBinder.bind(PlanTree.parse("model: {path: tiny_mlp.onnx}\n"
                + "importance: taylor\npruner: {ratio: 0.25}\ncalibration: [notes.txt]\n",
                "test plan", tmp, true));
        try (BonsaiModel model = bonsai.load(onnx)) {
            assertThatThrownBy(() -> bonsai.prune(model, plan))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("calibration file '" + text + "' is not a safetensors file")
                    .hasMessageContaining("no language-model extension reads model '" + onnx + "'");
        }
    }
}
