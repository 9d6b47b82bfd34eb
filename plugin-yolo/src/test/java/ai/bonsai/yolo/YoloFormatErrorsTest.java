package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.testing.TinyResNet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state dict that does not match its config fails naming the file and what is wrong, never
 * with silently seeded weights; a graph without a YOLO config cannot be written as YOLO.
 */
class YoloFormatErrorsTest {

    @TempDir
    Path dir;

    @Test
    void missingTensorsAreListed() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(
                    Safetensors.read(YoloFixture.file("yolov8t.safetensors"), m));
            tensors.remove("model.9.cv2.bn.running_var");
            Safetensors.write(tensors, dir.resolve("partial.safetensors"));
        }
        Files.copy(YoloFixture.file("config.json"), dir.resolve(YoloFormat.CONFIG));
        assertThatThrownBy(() -> YoloFixture.read(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("partial.safetensors' lacks 1 tensors")
                .hasMessageContaining("[model.9.cv2.bn.running_var]");
    }

    @Test
    void configThatDoesNotFitTheWeightsNamesBoth() throws Exception {
        Files.copy(YoloFixture.file("yolov8t.safetensors"), dir.resolve("yolov8t.safetensors"));
        Files.writeString(dir.resolve(YoloFormat.CONFIG),
                Files.readString(YoloFixture.file("config.json")).replace("\"nc\": 8", "\"nc\": 9"));
        assertThatThrownBy(() -> YoloFixture.read(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("yolov8t.safetensors' does not fit its config")
                .hasMessageContaining("model.22.cv3.0.2");
    }

    @Test
    void onlyYoloGraphsAreWrittenOrGivenTheDefaults() {
        try (Graph resnet = TinyResNet.build(); Graph yolo = YoloFixture.read()) {
            assertThat(YoloPruning.appliesTo(yolo)).isTrue();
            assertThat(YoloPruning.appliesTo(resnet)).isFalse();
            assertThatThrownBy(() -> new YoloFormat().write(resnet, dir.resolve("out")))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("has no 'yolo.config' metadata");
            assertThat(dir.resolve("out")).doesNotExist();
        }
    }
}
