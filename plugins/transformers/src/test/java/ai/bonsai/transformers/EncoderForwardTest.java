package ai.bonsai.transformers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.count.OpCounter;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forward parity with the independent PyTorch logits of the encoder fixtures. */
class EncoderForwardTest {

    @Test
    void bertMatchesPyTorchWithThePaddingMask() {
        try (Graph g = Fixtures.load(Fixtures.dir(Fixtures.BERT), Fixtures.BERT);
                NDManager m = NDManager.newBaseManager()) {
            assertThat(OpCounter.count(g).params()).isEqualTo(88_451);
            NDList inputs = Fixtures.inputs(Fixtures.BERT, m);
            NDArray logits = Fixtures.forward(g, inputs);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 3));
            float diff = Fixtures.maxDiff(logits, Fixtures.logits(Fixtures.BERT, m));
            System.out.printf("tiny_bert logits differ from PyTorch's by %.2e%n", diff);
            assertThat(diff).isLessThan(1e-4f);
            // the mask matters: row 1 without it gives other logits
            NDList unmasked = new NDList(inputs.get(0), inputs.get(1).onesLike(), inputs.get(2));
            NDArray other = Fixtures.forward(g, unmasked);
            assertThat(Fixtures.maxDiff(other.get(new NDIndex("1")), logits.get(new NDIndex("1")))).isGreaterThan(1e-3f);
        }
    }

    @Test
    void vitMatchesPyTorch() {
        try (Graph g = Fixtures.load(Fixtures.dir(Fixtures.VIT), Fixtures.VIT);
                NDManager m = NDManager.newBaseManager()) {
            assertThat(OpCounter.count(g).params()).isEqualTo(81_226);
            NDArray logits = Fixtures.forward(g, Fixtures.inputs(Fixtures.VIT, m));
            assertThat(logits.getShape()).isEqualTo(new Shape(1, 10));
            float diff = Fixtures.maxDiff(logits, Fixtures.logits(Fixtures.VIT, m));
            System.out.printf("tiny_vit_hf logits differ from PyTorch's by %.2e%n", diff);
            assertThat(diff).isLessThan(1e-4f);
        }
    }

    @Test
    void theFormatFindsAndReadsTheFolders() {
        ModelFormat format = Fixtures.host().formats().get("hf-encoder");
        Path bert = Fixtures.dir(Fixtures.BERT);
        assertThat(format.supports(bert)).isTrue();
        assertThat(format.supports(bert.resolve("config.json"))).isTrue();
        assertThat(format.supports(bert.getParent())).isFalse();
        try (Graph g = format.read(Fixtures.dir(Fixtures.VIT), Fixtures.host().newGraphBuilder("vit", 0))) {
            assertThat(g.inputs().get(0).shape()).isEqualTo(new Shape(1, 3, 32, 32));
            assertThat(g.node("vit.encoder.layer.1.attention.attention").op().name()).isEqualTo("attention");
        }
    }

    @Test
    void badFoldersAndOptionsAreNamed(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        assertThatThrownBy(() -> Fixtures.load(tmp, Fixtures.BERT)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config '" + tmp.resolve("config.json") + "': model_type 'gpt2' is not an encoder");
        assertThatThrownBy(() -> new TransformersAdapter().build(new ModelSpec("vit", Fixtures.VIT_INPUT,
                Map.of(TransformersAdapter.MODEL_DIR, Fixtures.dir(Fixtures.BERT).toString())),
                Fixtures.host().newGraphBuilder("x", 0))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("architecture 'vit' does not match the config's model_type 'bert'");
        assertThatThrownBy(() -> new TransformersAdapter().build(new ModelSpec("bert", new Shape(1, 65),
                Map.of(TransformersAdapter.MODEL_DIR, Fixtures.dir(Fixtures.BERT).toString())),
                Fixtures.host().newGraphBuilder("x", 0))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("T at most 64, found (1, 65)");
    }
}
