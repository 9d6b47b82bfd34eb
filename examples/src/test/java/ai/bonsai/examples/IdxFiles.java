package ai.bonsai.examples;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files of unsigned bytes for tests, and a synthetic Fashion-MNIST folder. */
final class IdxFiles {

    private IdxFiles() {
    }

    /**
     * Writes an IDX file of unsigned bytes.
     *
     * @param file the file
     * @param dims the dimensions
     * @param data the values
     * @param gzip whether to compress it
     * @return the file
     */
    static Path write(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream maybeZipped = gzip ? new GZIPOutputStream(raw) : raw;
                DataOutputStream out = new DataOutputStream(maybeZipped)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        return file;
    }

    /**
     * Writes the four Fashion-MNIST files (gzip) with synthetic 28×28 images: class {@code k} is
     * a bright 7×7 square at one of ten positions, over noise.
     *
     * @param folder the folder
     * @param train the number of training images
     * @param test the number of test images
     */
    static void writeSyntheticFashionMnist(Path folder, int train, int test) throws IOException {
        writeSplit(folder, "train", train, 1);
        writeSplit(folder, "t10k", test, 2);
    }

    private static void writeSplit(Path folder, String prefix, int n, long seed)
            throws IOException {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            labels[i] = (byte) label;
            int top = 3 + (label / 5) * 14;
            int left = 1 + (label % 5) * 5;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean inside = y >= top && y < top + 7 && x >= left && x < left + 7;
                    pixels[i * 784 + y * 28 + x] = (byte) (inside ? 200 + random.nextInt(50)
                            : random.nextInt(40));
                }
            }
        }
        write(folder.resolve(prefix + "-images-idx3-ubyte.gz"), new int[] {n, 28, 28}, pixels,
                true);
        write(folder.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {n}, labels, true);
    }
}
