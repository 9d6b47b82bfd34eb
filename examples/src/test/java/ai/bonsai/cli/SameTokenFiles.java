package ai.bonsai.cli;

import ai.bonsai.api.model.Safetensors;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One calibration corpus for {@code tiny_llama} with the LLM plugin's test tokenizer, written as
 * the three kinds of calibration file that must calibrate alike: plain text (three documents,
 * each encoded with a BOS token), the first 24 of those ids as a safetensors tensor
 * {@code input_ids} of shape [2, 12], and the ids as one sequence per line.
 *
 * @param text {@code docs.txt}
 * @param tensor {@code ids.safetensors}
 * @param lines {@code ids.txt}
 */
record SameTokenFiles(Path text, Path tensor, Path lines) {

    /**
     * Writes the three files into a folder.
     *
     * @param dir the folder
     * @return the files
     * @throws IOException if a file cannot be written
     */
    static SameTokenFiles write(Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("docs.txt"), "The cat sat on a red mat\n"
                + "the big dog ran to the red house\n\na cat and a dog sat on the mat\n");
        long[] first24 = {1, 5, 17, 23, 42, 56, 103, 64, 1, 5, 99, 77, 88, 91, 5, 103, 110,
            1, 56, 17, 127, 56, 77, 23};
        Path tensor = dir.resolve("ids.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Safetensors.write(Map.of("input_ids", m.create(first24, new Shape(2, 12))), tensor);
        }
        Path lines = Files.writeString(dir.resolve("ids.txt"), "1 5 17 23 42 56 103 64\n"
                + "1 5 99 77 88 91 5 103 110\n1 56 17 127 56 77 23 42 5 64\n");
        return new SameTokenFiles(text, tensor, lines);
    }
}
