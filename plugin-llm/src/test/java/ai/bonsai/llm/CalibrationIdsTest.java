package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationIdsTest {

    @TempDir
    Path dir;

    @Test
    void readsASafetensorsIdTensorInBatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            Path file = Models.fixture("tiny_qwen2").resolve("input_ids.safetensors");
            List<NDArray> batches = CalibrationIds.read(file, 1, 128, m);
            assertThat(batches).hasSize(2);
            assertThat(batches.get(0).getShape()).isEqualTo(new Shape(1, 12));
            assertThat(batches.get(1).toLongArray()).containsExactly(
                    Models.ids("tiny_qwen2", m).get(1).toLongArray());
        }
    }

    @Test
    void readsOneSequencePerLineCutToTheShortest() throws IOException {
        Path file = Files.writeString(dir.resolve("ids.txt"), "1 2 3 4\n\n5 6  7\n");
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> batches = CalibrationIds.read(file, 8, 10, m);
            assertThat(batches).hasSize(1);
            assertThat(batches.get(0).getShape()).isEqualTo(new Shape(2, 3));
            assertThat(batches.get(0).toLongArray()).containsExactly(1, 2, 3, 5, 6, 7);
        }
    }

    @Test
    void badIdsAreNamedWithFileAndLine() throws IOException {
        Path word = Files.writeString(dir.resolve("word.txt"), "1 2\n3 x\n");
        Path big = Files.writeString(dir.resolve("big.txt"), "1 2\n3 99\n");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> CalibrationIds.read(word, 1, 10, m)).isInstanceOf(ModelFormatException.class)
                    .hasMessage("token-id file '" + word + "': line 2: 'x' is not a token id");
            assertThatThrownBy(() -> CalibrationIds.read(big, 1, 10, m))
                    .hasMessage("token-id file '" + big + "': sequence 1 has id 99 outside the vocabulary [0, 10)");
        }
    }
}
