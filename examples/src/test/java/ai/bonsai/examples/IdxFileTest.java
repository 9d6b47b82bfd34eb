package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The IDX reader on tiny files written by the test. */
class IdxFileTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsDimensionsAndUnsignedBytesPlainOrGzip(boolean gzip) throws IOException {
        byte[] data = {0, 1, 2, (byte) 255, 7, 8};
        Path file = IdxFiles.write(dir.resolve("tiny-idx3-ubyte"), new int[] {2, 1, 3}, data, gzip);

        IdxFile idx = IdxFile.read(file);

        assertThat(idx.dims()).containsExactly(2, 1, 3);
        assertThat(idx.count()).isEqualTo(2);
        assertThat(idx.itemSize()).isEqualTo(3);
        assertThat(idx.data()).containsExactly(data);
        assertThat(Byte.toUnsignedInt(idx.data()[3])).isEqualTo(255);
    }

    @Test
    void truncatedDataNamesTheFileAndTheMissingBytes() throws IOException {
        Path file = IdxFiles.write(dir.resolve("short-idx1-ubyte"), new int[] {5}, new byte[3],
                false);

        assertThatThrownBy(() -> IdxFile.read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'" + file + "' is truncated")
                .hasMessageContaining("need 5 bytes of data, found 3");
    }

    @Test
    void otherElementTypesAreRefusedWithTheMagicNumber() throws IOException {
        Path file = dir.resolve("floats-idx1");
        Files.write(file, new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0});

        assertThatThrownBy(() -> IdxFile.read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'" + file + "' is not an IDX file of unsigned bytes")
                .hasMessageContaining("0x00000d01");
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path file = dir.resolve("header-idx3-ubyte");
        Files.write(file, new byte[] {0, 0, 8, 3, 0, 0});

        assertThatThrownBy(() -> IdxFile.read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated within its header");
    }
}
