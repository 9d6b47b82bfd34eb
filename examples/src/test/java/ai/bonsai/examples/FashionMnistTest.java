package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the four Fashion-MNIST files from a folder, and what happens when they are missing. */
class FashionMnistTest {

    @TempDir
    Path dir;

    @Test
    void readsTrainingAndTestImagesWithTheirLabels() throws IOException {
        IdxFiles.writeSyntheticFashionMnist(dir, 20, 10);

        FashionMnist data = FashionMnist.read(dir);

        assertThat(data.train().count()).isEqualTo(20);
        assertThat(data.test().count()).isEqualTo(10);
        assertThat(data.train().height()).isEqualTo(28);
        assertThat(data.train().labels()[13]).isEqualTo((byte) 3);
        assertThat(data.train().first(5).count()).isEqualTo(5);
    }

    @Test
    void plainFilesWithoutGzAreReadToo() throws IOException {
        IdxFiles.writeSyntheticFashionMnist(dir, 4, 2);
        Path plain = dir.resolve("t10k-labels-idx1-ubyte");
        IdxFiles.write(plain, new int[] {2}, new byte[] {9, 8}, false);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));

        assertThat(FashionMnist.read(dir).test().labels()).containsExactly(9, 8);
    }

    @Test
    void missingFolderSaysHowToGetTheData() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> FashionMnist.read(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--data: Fashion-MNIST folder '" + missing + "' does not exist")
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("/usr/share/datasets/fashion-mnist");
    }

    @Test
    void missingFileIsNamed() throws IOException {
        IdxFiles.writeSyntheticFashionMnist(dir, 4, 2);
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));

        assertThatThrownBy(() -> FashionMnist.read(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has neither train-labels-idx1-ubyte.gz nor"
                        + " train-labels-idx1-ubyte");
    }

    @Test
    void imagesAndLabelsOfDifferentCountsAreRefused() throws IOException {
        IdxFiles.writeSyntheticFashionMnist(dir, 4, 2);
        IdxFiles.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {3}, new byte[3], true);

        assertThatThrownBy(() -> FashionMnist.read(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t10k: images [2, 28, 28] and labels [3] do not match");
    }
}
