package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.plugin.PluginHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder's {@code tokenizer.json} (a word-level tokenizer over a few words, ids below the
 * fixture's vocabulary of 128, with a BOS post-processor) through DJL's Hugging Face tokenizers:
 * text round-trips, plain-text calibration files become the ids the tokenizer gives, and a
 * folder without the file says which file is missing.
 */
class HfTokenizerTest {

    /** The tokenizer, next to the fixtures. */
    static final Path TOKENIZER = Path.of("src/test/resources/fixtures/tiny_tokenizer.json");

    @TempDir
    Path dir;

    private Path llama;

    private static LanguageModel lm() {
        return PluginHost.classpathOnly().extensions(LanguageModel.class).stream()
                .filter(x -> x.name().equals("hf-decoder")).findFirst().orElseThrow();
    }

    @BeforeEach
    void folderWithTokenizer() throws IOException {
        llama = Files.createDirectories(dir.resolve("tiny_llama"));
        try (Stream<Path> files = Files.list(Models.fixture("tiny_llama"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, llama.resolve(f.getFileName()));
            }
        }
        Files.copy(TOKENIZER, llama.resolve(HfTokenizer.FILE));
    }

    @Test
    void encodesWithTheBosTokenAndDecodesBackToTheText() {
        LanguageModel lm = lm();
        assertThat(lm.tokenizes(llama)).isTrue();
        long[] ids = lm.encode(llama, "The cat sat on a red mat");
        assertThat(ids).containsExactly(1, 5, 17, 23, 42, 56, 103, 64);
        assertThat(lm.decode(llama, ids)).isEqualTo("the cat sat on a red mat");
        assertThat(lm.decode(llama, new long[] {77, 88, 91, 110})).isEqualTo("dog ran to house");
    }

    @Test
    void plainTextCalibrationIsOneEncodedDocumentPerLine() throws IOException {
        Path text = Files.writeString(dir.resolve("docs.txt"), "the big dog ran\n\nA cat and a dog\n");
        List<long[]> rows = lm().sequences(llama, text);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly(1, 5, 99, 77, 88);
        assertThat(rows.get(1)).containsExactly(1, 56, 17, 127, 56, 77);
        Path ids = Files.writeString(dir.resolve("ids.txt"), "1 5 99 77 88\n");
        assertThat(lm().sequences(llama, ids).get(0)).as("id lines stay ids").containsExactly(1, 5, 99, 77, 88);
    }

    @Test
    void withoutTokenizerJsonTextIsRefusedNamingTheFile() throws IOException {
        Files.delete(llama.resolve(HfTokenizer.FILE));
        LanguageModel lm = lm();
        assertThat(lm.tokenizes(llama)).isFalse();
        assertThatThrownBy(() -> lm.encode(llama, "the cat")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.json");
        Path text = Files.writeString(dir.resolve("docs.txt"), "the big dog ran\n");
        assertThatThrownBy(() -> lm.sequences(llama, text)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'the' is not a token id").hasMessageContaining("tokenizer.json");
    }
}
