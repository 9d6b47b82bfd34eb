package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistral's sliding window: positions inside the window see what full causal attention sees. */
class SlidingWindowTest {

    @TempDir
    Path dir;

    @Test
    void aWindowChangesOnlyPositionsBeyondIt() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_llama", m);
            NDArray expected = Models.expectedLogits("tiny_llama", m);
            try (Graph wide = Models.read(mistral(12))) {
                assertThat(wide.node("model.sliding_window_mask").op().name()).isEqualTo(SlidingWindowMaskOp.NAME);
                assertThat(Models.maxAbsDiff(Models.logits(wide, ids), expected)).isLessThan(1e-4f);
            }
            try (Graph narrow = Models.read(mistral(3))) {
                NDArray logits = Models.logits(narrow, ids);
                NDIndex inside = new NDIndex(":, :3, :");
                NDIndex beyond = new NDIndex(":, 3:, :");
                assertThat(Models.maxAbsDiff(logits.get(inside), expected.get(inside))).isLessThan(1e-4f);
                assertThat(Models.maxAbsDiff(logits.get(beyond), expected.get(beyond))).isGreaterThan(1e-2f);
            }
        }
    }

    @Test
    void qwenSlidingWindowsAreRefused() throws IOException {
        Path folder = copy("qwen", Files.readString(Models.fixture("tiny_qwen3").resolve("config.json"))
                .replace("\"use_sliding_window\": false", "\"use_sliding_window\": true"), "tiny_qwen3");
        assertThatThrownBy(() -> Models.read(folder)).isInstanceOf(ModelFormatException.class)
                .hasMessage("config.json '" + folder.resolve("config.json") + "': field 'use_sliding_window':"
                        + " true is not supported for model_type 'qwen3'");
    }

    private Path mistral(int window) throws IOException {
        String config = Files.readString(Models.fixture("tiny_llama").resolve("config.json"))
                .replace("\"model_type\": \"llama\"", "\"model_type\": \"mistral\"")
                .replace("\"attention_bias\": false", "\"attention_bias\": false, \"sliding_window\": " + window);
        return copy("mistral" + window, config, "tiny_llama");
    }

    private Path copy(String name, String config, String fixture) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.writeString(folder.resolve("config.json"), config);
        Files.copy(Models.fixture(fixture).resolve("model.safetensors"), folder.resolve("model.safetensors"));
        return folder;
    }
}
