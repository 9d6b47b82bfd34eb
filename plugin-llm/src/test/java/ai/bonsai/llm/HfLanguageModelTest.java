package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's {@link LanguageModel} as the host hands it out, checked against the logits of the
 * independent PyTorch implementation: greedy generation picks PyTorch's argmax after every
 * prefix, perplexity equals the one computed from PyTorch's logits, throughput is measured.
 */
class HfLanguageModelTest {

    @TempDir
    Path dir;

    private final Path llama = Models.fixture("tiny_llama");

    private static LanguageModel lm() {
        return PluginHost.classpathOnly().extensions(LanguageModel.class).stream()
                .filter(x -> x.name().equals("hf-decoder")).findFirst().orElseThrow();
    }

    private static long[][] ids() {
        try (NDManager m = NDManager.newBaseManager()) {
            long[] flat = Models.ids("tiny_llama", m).toLongArray();
            return new long[][] {Arrays.copyOfRange(flat, 0, 12), Arrays.copyOfRange(flat, 12, 24)};
        }
    }

    private static float[] pytorchLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            return Models.expectedLogits("tiny_llama", m).toFloatArray();
        }
    }

    private static int argmax(float[] logits, int offset) {
        int best = 0;
        for (int v = 1; v < 128; v++) {
            if (logits[offset + v] > logits[offset + best]) {
                best = v;
            }
        }
        return best;
    }

    @Test
    void greedyGenerationPicksPyTorchsArgmaxAfterEveryPrefix() {
        long[] row = ids()[0];
        float[] expected = pytorchLogits();
        LanguageModel lm = lm();
        assertThat(lm.accepts(llama)).isTrue();
        for (int k = 1; k <= 12; k++) {
            long[] next = lm.generate(llama, Arrays.copyOf(row, k), 1);
            assertThat(next).as("after %d ids", k).containsExactly(argmax(expected, (k - 1) * 128));
        }
        long[] four = lm.generate(llama, row, 4);
        assertThat(four[0]).isEqualTo(argmax(expected, 11 * 128));
        long[] extended = Arrays.copyOf(row, 15);
        System.arraycopy(four, 0, extended, 12, 3);
        assertThat(lm.generate(llama, extended, 1)).containsExactly(four[3]);
    }

    @Test
    void perplexityEqualsTheOneComputedFromPyTorchsLogits() throws IOException {
        long[][] ids = ids();
        float[] logits = pytorchLogits();
        double nll = 0;
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 11; t++) {
                int at = (b * 12 + t) * 128;
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < 128; v++) {
                    max = Math.max(max, logits[at + v]);
                }
                double sum = 0;
                for (int v = 0; v < 128; v++) {
                    sum += Math.exp(logits[at + v] - max);
                }
                nll -= logits[at + (int) ids[b][t + 1]] - max - Math.log(sum);
            }
        }
        Path data = Files.writeString(dir.resolve("eval.txt"), Arrays.stream(ids).map(r -> Arrays.stream(r)
                .mapToObj(Long::toString).collect(Collectors.joining(" "))).collect(Collectors.joining("\n")));

        for (int batch : new int[] {1, 2}) {
            LanguageModel.Perplexity p = lm().perplexity(llama, data, batch);
            assertThat(p.tokens()).isEqualTo(22);
            assertThat(p.sequences()).isEqualTo(2);
            assertThat(p.length()).isEqualTo(12);
            assertThat(p.meanLoss()).isCloseTo(nll / 22, within(1e-5));
            assertThat(p.perplexity()).isCloseTo(Math.exp(nll / 22), within(1e-3));
        }
        assertThat(lm().perplexity(llama, llama.resolve("input_ids.safetensors"), 2).meanLoss())
                .isCloseTo(nll / 22, within(1e-5));
    }

    @Test
    void throughputIsMeasuredForPrefillAndDecode() {
        LanguageModel.Throughput t = lm().throughput(llama, 2, 8, 4, 1);
        assertThat(t.batch()).isEqualTo(2);
        assertThat(t.promptLength()).isEqualTo(8);
        assertThat(t.newTokens()).isEqualTo(4);
        assertThat(t.prefillTokensPerSecond()).isPositive().isFinite();
        assertThat(t.decodeTokensPerSecond()).isPositive().isFinite();
    }

    @Test
    void idsOutsideTheVocabularyAndFoldersItDoesNotReadAreNamed() throws IOException {
        assertThatThrownBy(() -> lm().generate(llama, new long[] {5, 128}, 1))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("prompt id 128 is outside the vocabulary [0, 128) of '" + llama + "'");
        Path bad = Files.writeString(dir.resolve("bad.txt"), "1 2 300\n");
        assertThatThrownBy(() -> lm().sequences(llama, bad))
                .hasMessage("token-id file '" + bad + "': sequence 0 has id 300 outside the vocabulary [0, 128)");
        assertThat(lm().accepts(dir)).isFalse();
    }
}
