package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinimalExampleTest {

    @TempDir
    Path tmp;

    @Test
    void savesTheWeightsWithConv1sGroupPruned() throws Exception {
        Path file = tmp.resolve("pruned.safetensors");

        MinimalExample.main(new String[] {file.toString()});

        try (NDManager manager = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(file)) {
            NDList weights = NDList.decode(manager, in);
            assertThat(weights.get("conv1.weight").getShape()).isEqualTo(new Shape(13, 3, 3, 3));
            assertThat(weights.get("bn1.weight").getShape()).isEqualTo(new Shape(13));
            assertThat(weights.get("conv2.weight").getShape()).isEqualTo(new Shape(13, 13, 3, 3));
            assertThat(weights.get("bn2.weight").getShape()).isEqualTo(new Shape(13));
            assertThat(weights.get("fc.weight").getShape()).isEqualTo(new Shape(10, 13));
        }
    }
}
