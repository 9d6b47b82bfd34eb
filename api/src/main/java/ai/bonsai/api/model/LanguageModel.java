package ai.bonsai.api.model;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * The tasks of a causal language model that a family plugin reads (the LLM plugin's Hugging Face
 * decoder folders), so that a host application such as {@code bonsai generate}, {@code bonsai
 * eval} and {@code bonsai bench} uses a pruned model without compiling against the plugin: it
 * finds the extension that {@linkplain #accepts accepts} the model ({@code
 * host.extensions(LanguageModel.class)}) and hands it the model's path. The extension builds the
 * model for the shapes each task needs and runs it through the host's executor.
 *
 * <pre>{@code
 * LanguageModel lm = host.extensions(LanguageModel.class).stream()
 *         .filter(x -> x.accepts(folder)).findFirst().orElseThrow();
 * long[] next = lm.generate(folder, lm.sequences(folder, Path.of("prompt.txt")).get(0), 16);
 * LanguageModel.Perplexity ppl = lm.perplexity(folder, Path.of("eval.txt"), 8);
 * }</pre>
 */
public interface LanguageModel extends ExtensionPoint {

    /**
     * Perplexity over token-id sequences: {@code exp} of the mean negative log-likelihood of
     * every token after the first of each sequence, given the tokens before it.
     *
     * @param perplexity {@code exp(meanLoss)}
     * @param meanLoss the mean negative log-likelihood, in nats
     * @param tokens the number of predicted tokens
     * @param sequences the number of sequences
     * @param length the tokens per sequence (sequences are cut to the shortest)
     */
    record Perplexity(double perplexity, double meanLoss, long tokens, int sequences, int length) {
    }

    /**
     * Tokens per second of one batch size, median of the timed runs.
     *
     * @param batch the sequences per forward pass
     * @param promptLength the prompt's tokens
     * @param newTokens the tokens generated after the prompt
     * @param prefillTokensPerSecond prompt tokens processed per second (one forward pass over
     *     the batch of prompts)
     * @param decodeTokensPerSecond new tokens per second, the way {@link #generate} produces
     *     them
     */
    record Throughput(int batch, int promptLength, int newTokens, double prefillTokensPerSecond,
            double decodeTokensPerSecond) {
    }

    /**
     * Returns the extension's name, for messages.
     *
     * @return the name, such as {@code hf-decoder}
     */
    String name();

    /**
     * Tells whether this extension reads a model (a folder or file).
     *
     * @param model the model's path
     * @return true if the other methods accept it
     */
    boolean accepts(Path model);

    /**
     * Reads token-id sequences for the model (one per line of whitespace-separated ids, or one
     * integer tensor [N, T] in a safetensors file), checking each id against the vocabulary. A
     * model with a tokenizer ({@link #tokenizes}) also reads plain text, one document per line,
     * each encoded as {@link #encode} does: a text file with a line that is not all ids.
     *
     * @param model the model, accepted by {@link #accepts}
     * @param file the ids (or text) file
     * @return the sequences, in file order
     * @throws ModelFormatException naming the file, line or id at fault
     */
    List<long[]> sequences(Path model, Path file);

    /**
     * Tells whether the model has a tokenizer (a Hugging Face folder's {@code tokenizer.json}),
     * so that {@link #encode} and {@link #decode} work.
     *
     * @param model the model, accepted by {@link #accepts}
     * @return true if it has one
     */
    boolean tokenizes(Path model);

    /**
     * Encodes text to token ids with the model's tokenizer, adding the special tokens the
     * tokenizer adds by default (as Hugging Face's {@code tokenizer(text)}).
     *
     * @param model the model, accepted by {@link #accepts}
     * @param text the text
     * @return the ids
     * @throws ModelFormatException if the model has no tokenizer (naming the missing file) or
     *     it gives an id outside the vocabulary
     */
    long[] encode(Path model, String text);

    /**
     * Decodes token ids to text with the model's tokenizer, skipping special tokens.
     *
     * @param model the model, accepted by {@link #accepts}
     * @param ids the ids
     * @return the text
     * @throws ModelFormatException if the model has no tokenizer (naming the missing file)
     */
    String decode(Path model, long[] ids);

    /**
     * Generates tokens greedily (the highest-scoring token each time) after a prompt.
     *
     * @param model the model, accepted by {@link #accepts}
     * @param prompt the prompt's token ids (at least one)
     * @param count how many tokens to generate (at least 0)
     * @return the generated ids, without the prompt
     * @throws ModelFormatException if the model cannot be read or an id is outside the vocabulary
     */
    long[] generate(Path model, long[] prompt, int count);

    /**
     * Computes the perplexity of the model over token-id sequences.
     *
     * @param model the model, accepted by {@link #accepts}
     * @param data the ids file ({@link #sequences})
     * @param batch the sequences per forward pass (at least 1)
     * @return the perplexity
     * @throws ModelFormatException naming the file at fault
     */
    Perplexity perplexity(Path model, Path data, int batch);

    /**
     * Measures prefill and decode throughput on seeded random ids.
     *
     * @param model the model, accepted by {@link #accepts}
     * @param batch the sequences per forward pass (at least 1)
     * @param promptLength the prompt's tokens (at least 1)
     * @param newTokens the tokens to generate (at least 1)
     * @param runs the timed runs after one warm-up (at least 1); the median is reported
     * @return the throughput
     */
    Throughput throughput(Path model, int batch, int promptLength, int newTokens, int runs);
}
