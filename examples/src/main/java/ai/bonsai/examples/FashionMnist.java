package ai.bonsai.examples;

import ai.bonsai.api.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST read from a folder of IDX files ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
 * each plain or with {@code .gz}).
 *
 * @param train the 60,000 training images
 * @param test the 10,000 test images
 */
public record FashionMnist(LabeledImages train, LabeledImages test) {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");

    /** How to get the files, for error messages. */
    static final String HOW_TO_GET = "install them with 'apt-get install dataset-fashion-mnist'"
            + " (Debian/Ubuntu; they land in " + DEBIAN_FOLDER + "), or download the four"
            + " *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist"
            + " into one folder, and pass that folder with --data";

    /**
     * Reads the four files from a folder.
     *
     * @param folder the folder holding the IDX files
     * @return the training and test sets
     * @throws ConfigException naming the folder or the missing file, and how to get the files
     * @throws ai.bonsai.api.model.ModelFormatException naming a file that is not valid IDX
     */
    public static FashionMnist read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigException("--data", "Fashion-MNIST folder '" + folder
                    + "' does not exist; " + HOW_TO_GET);
        }
        return new FashionMnist(
                LabeledImages.of(idx(folder, "train-images-idx3-ubyte"),
                        idx(folder, "train-labels-idx1-ubyte"), "train"),
                LabeledImages.of(idx(folder, "t10k-images-idx3-ubyte"),
                        idx(folder, "t10k-labels-idx1-ubyte"), "t10k"));
    }

    private static IdxFile idx(Path folder, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path file = folder.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return IdxFile.read(file);
            }
        }
        throw new ConfigException("--data", "'" + folder + "' has neither " + name + ".gz nor "
                + name + "; " + HOW_TO_GET);
    }
}
