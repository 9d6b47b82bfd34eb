package ai.bonsai.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Model folders of the family plugins' test fixtures, copied into a test's folder: above all the
 * LLM plugin's {@code tiny_llama} (a Hugging Face Llama folder with the PyTorch ids and logits it
 * was checked against) and its word-level test tokenizer.
 */
public final class FixtureFolders {

    private static final Path LLM_FIXTURES = Path.of("../plugin-llm/src/test/resources/fixtures");

    private FixtureFolders() {
    }

    /**
     * Copies the files of a folder (not its subfolders' contents) into another.
     *
     * @param from the folder to copy
     * @param to the copy, created if missing
     * @return the copy
     * @throws IOException if a copy fails
     */
    public static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /**
     * Copies the {@code tiny_llama} fixture into {@code dir/tiny_llama}.
     *
     * @param dir the test's folder
     * @return the copied model folder
     * @throws IOException if a copy fails
     */
    public static Path tinyLlama(Path dir) throws IOException {
        return copy(LLM_FIXTURES.resolve("tiny_llama"), dir.resolve("tiny_llama"));
    }

    /**
     * The setup of the CLI tests on decoder folders: makes {@code dir/plugins}, holding the built
     * plugin jars, the default plugins folder ({@link TestPlugins#useAsDefault}; the test clears
     * it with {@link TestPlugins#clearDefault}), then copies the {@code tiny_llama} fixture into
     * {@code dir/tiny_llama}.
     *
     * @param dir the test's folder
     * @return the copied model folder
     * @throws IOException if a copy fails
     */
    public static Path tinyLlamaWithPlugins(Path dir) throws IOException {
        TestPlugins.useAsDefault(dir.resolve("plugins"));
        return tinyLlama(dir);
    }

    /**
     * Adds the LLM plugin's test tokenizer (a word-level vocabulary with ids below
     * {@code tiny_llama}'s 128 and a BOS token 1) to a model folder as its {@code tokenizer.json}.
     *
     * @param model the model folder
     * @throws IOException if the copy fails
     */
    public static void addTokenizer(Path model) throws IOException {
        Files.copy(LLM_FIXTURES.resolve("tiny_tokenizer.json"), model.resolve("tokenizer.json"));
    }
}
