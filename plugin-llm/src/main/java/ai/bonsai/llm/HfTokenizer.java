package ai.bonsai.llm;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code tokenizer.json} of a decoder folder, through DJL's Hugging Face tokenizers (the
 * native library ships inside its jar; nothing is downloaded). Text is encoded the way
 * {@code tokenizer(text)} does in Python: with the special tokens that the file's post-processor
 * adds (a BOS token for Llama, none for Qwen2), never truncated or padded; decoding skips
 * special tokens.
 */
final class HfTokenizer implements AutoCloseable {

    /** The tokenizer file of a Hugging Face folder. */
    static final String FILE = "tokenizer.json";

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(Path file, HuggingFaceTokenizer tokenizer) {
        this.file = file;
        this.tokenizer = tokenizer;
    }

    /**
     * Tells whether a folder has a tokenizer.
     *
     * @param folder the model folder
     * @return true if it holds {@value #FILE}
     */
    static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    /**
     * Opens a folder's tokenizer.
     *
     * @param folder the model folder
     * @return the tokenizer, to close
     * @throws ModelFormatException if the file is missing or unreadable
     */
    static HfTokenizer open(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("'" + folder + "' has no " + FILE
                    + ": text needs the model's tokenizer; give token ids instead");
        }
        try {
            return new HfTokenizer(file, HuggingFaceTokenizer.builder().optTokenizerPath(file)
                    .optAddSpecialTokens(true).optTruncation(false).optPadding(false).build());
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("tokenizer '" + file + "': cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes text, checking each id against the model's vocabulary.
     *
     * @param text the text
     * @param vocabSize ids must lie in [0, vocabSize)
     * @return the ids
     * @throws ModelFormatException if the tokenizer gives an id outside the vocabulary
     */
    long[] encode(String text, int vocabSize) {
        long[] ids = tokenizer.encode(text).getIds();
        for (long id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new ModelFormatException("tokenizer '" + file + "' gives id " + id
                        + ", outside the model's vocabulary [0, " + vocabSize + ")");
            }
        }
        return ids;
    }

    /**
     * Decodes ids to text, skipping special tokens.
     *
     * @param ids the ids
     * @return the text
     */
    String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
