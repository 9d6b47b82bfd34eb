package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai generate}: greedy generation with a causal language model (a Hugging Face decoder
 * folder, pruned or not) through the first {@link LanguageModel} extension that reads it.
 */
@Command(
        name = "generate",
        header = "Generate tokens greedily with a language model (a Hugging Face decoder folder).",
        description = "Reads MODEL, takes the prompt as text (--prompt, encoded by the folder's"
                + " tokenizer.json) or as token ids (--ids: the first sequence of a text file of"
                + " whitespace-separated ids, or of a safetensors [N, T] tensor), and prints the"
                + " prompt followed by -n greedily chosen ids, and the continuation as text when"
                + " the folder has a tokenizer.json. Each new token is a full forward pass over"
                + " the prompt and the tokens so far (no key/value cache).")
public final class GenerateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model folder.")
    private Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Prompt prompt;

    @Option(names = {"-n", "--tokens"}, defaultValue = "16", paramLabel = "N",
            description = "How many tokens to generate (default: ${DEFAULT-VALUE}).")
    private int count;

    @Spec
    private CommandSpec spec;

    /** The prompt, as text or as token ids. */
    static final class Prompt {

        @Option(names = "--prompt", paramLabel = "TEXT",
                description = "The prompt as text (needs the folder's tokenizer.json).")
        private String text;

        @Option(names = "--ids", paramLabel = "FILE", description = "The prompt's token ids.")
        private Path ids;
    }

    /** Creates the command (picocli fills in its options). */
    public GenerateCommand() {
    }

    /**
     * Generates and prints the ids.
     *
     * @return 0
     * @throws ConfigException for a text prompt to a model without tokenizer.json, or a
     *     negative count
     */
    @Override
    public Integer call() {
        if (count < 0) {
            throw new ConfigException("--tokens", "must be at least 0, found " + count);
        }
        PrintWriter printer = spec.commandLine().getOut();
        try (PluginHost host = PluginHosts.open(spec)) {
            LanguageModel lm = LanguageModels.find(host, model);
            boolean tokenizes = lm.tokenizes(model);
            if (prompt.text != null && !tokenizes) {
                throw new ConfigException("--prompt", "text prompts need the model's tokenizer,"
                        + " and '" + model + "' has no tokenizer.json; give the prompt's token ids"
                        + " with --ids FILE");
            }
            long[] ids = prompt.text != null ? lm.encode(model, prompt.text)
                    : lm.sequences(model, prompt.ids).get(0);
            long start = System.nanoTime();
            long[] generated = lm.generate(model, ids, count);
            double seconds = (System.nanoTime() - start) / 1e9;
            printer.printf("prompt    %s%n", join(ids));
            printer.printf("generated %s%n", join(generated));
            if (tokenizes) {
                printer.printf("text      %s%n", lm.decode(model, generated));
            }
            printer.printf("%d tokens in %.2f s (%.1f tokens/s, greedy, %s)%n", count, seconds,
                    count / Math.max(seconds, 1e-9), lm.name());
        }
        printer.flush();
        return 0;
    }

    private static String join(long[] ids) {
        return Arrays.stream(ids).mapToObj(Long::toString).collect(Collectors.joining(" "));
    }
}
