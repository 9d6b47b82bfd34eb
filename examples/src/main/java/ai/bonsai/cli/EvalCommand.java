package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai eval}: the perplexity of a causal language model (a Hugging Face decoder folder,
 * pruned or not) over token-id sequences, through the first {@link LanguageModel} extension that
 * reads it.
 */
@Command(
        name = "eval",
        header = "Compute a language model's perplexity over token-id sequences.",
        description = "Reads MODEL and the sequences of --data (one line of whitespace-separated"
                + " ids per sequence, or a safetensors [N, T] integer tensor; sequences are cut to"
                + " the shortest) and prints exp of the mean negative log-likelihood of every token"
                + " after the first, given the tokens before it.")
public final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model folder.")
    private Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "The token-id sequences.")
    private Path data;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "N",
            description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    private Path json;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public EvalCommand() {
    }

    /**
     * Computes and prints the perplexity.
     *
     * @return 0
     * @throws ConfigException if the batch is below 1
     */
    @Override
    public Integer call() {
        if (batch < 1) {
            throw new ConfigException("--batch", "must be at least 1, found " + batch);
        }
        PrintWriter printer = spec.commandLine().getOut();
        try (PluginHost host = PluginHosts.open(spec)) {
            LanguageModel.Perplexity p = LanguageModels.find(host, model)
                    .perplexity(model, data, batch);
            printer.printf("perplexity %.4f (mean loss %.4f nats) over %d tokens: %d sequences of %d%n",
                    p.perplexity(), p.meanLoss(), p.tokens(), p.sequences(), p.length());
            if (json != null) {
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("model", model.toString());
                figures.put("perplexity", p.perplexity());
                figures.put("mean_loss", p.meanLoss());
                figures.put("tokens", p.tokens());
                figures.put("sequences", p.sequences());
                figures.put("length", p.length());
                JsonFiles.write(figures, json, "perplexity");
                printer.printf("wrote %s%n", json);
            }
        }
        printer.flush();
        return 0;
    }
}
