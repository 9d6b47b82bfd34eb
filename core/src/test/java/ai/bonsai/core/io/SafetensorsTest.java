package ai.bonsai.core.io;

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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @Test
    void writesEveryParameterByNameAndLoadsItBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.safetensors");
        try (Graph g = TinyResNet.build(); NDManager m = NDManager.newBaseManager()) {
            Safetensors.write(g, file);
            Map<String, NDArray> read = Safetensors.read(file, m);
            assertThat(read.keySet()).isEqualTo(g.parameters().keySet());
            assertThat(read.get("conv1.weight").contentEquals(g.parameters().get("conv1.weight").array())).isTrue();
            assertThat(Files.getPosixFilePermissions(file).toString()).contains("OTHERS_READ");
            try (Graph other = TinyResNet.build()) {
                WeightLoader.load(other, file);
                assertThat(other.parameters().get("fc.weight").array()
                        .contentEquals(g.parameters().get("fc.weight").array())).isTrue();
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void strictLoadingNamesMissingAndMismatchedTensors(@TempDir Path dir) {
        Path file = dir.resolve("partial.safetensors");
        try (Graph g = TinyResNet.build(); NDManager m = NDManager.newBaseManager()) {
            Safetensors.write(Map.of("conv1.weight", m.zeros(new ai.djl.ndarray.types.Shape(16, 3, 1, 1)),
                    "extra", m.zeros(new ai.djl.ndarray.types.Shape(2))), file);
            assertThatThrownBy(() -> WeightLoader.load(g, file))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("'conv1.weight' is float32 (16, 3, 1, 1) in the file, the graph expects float32 (16, 3, 3, 3)")
                    .hasMessageContaining("missing 'fc.bias' (10)")
                    .hasMessageContaining("unexpected 'extra'");
        }
    }

    @Test
    void unreadableFileIsReportedWithItsName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> Safetensors.read(file, m))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("broken.safetensors");
        }
    }
}
