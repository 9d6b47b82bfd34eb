package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prefill and decode tokens per second of one or two language models (a folder and its pruned
 * copy) at several batch sizes, printed side by side, through the {@link LanguageModel}
 * extension that reads each.
 */
final class LanguageModelBench {

    private final PluginHost host;
    private final List<Integer> batches;
    private final int promptLength;
    private final int newTokens;
    private final int runs;

    /**
     * Creates the benchmark.
     *
     * @param host the plugin host
     * @param batches the batch sizes
     * @param promptLength the prompt's tokens
     * @param newTokens the generated tokens
     * @param runs timed runs per figure
     * @throws ConfigException naming the option whose value is below 1
     */
    LanguageModelBench(PluginHost host, List<Integer> batches, int promptLength, int newTokens,
            int runs) {
        for (int b : batches) {
            atLeastOne("--batch", b);
        }
        atLeastOne("--prompt-length", promptLength);
        atLeastOne("--new-tokens", newTokens);
        atLeastOne("--runs", runs);
        this.host = host;
        this.batches = List.copyOf(batches);
        this.promptLength = promptLength;
        this.newTokens = newTokens;
        this.runs = runs;
    }

    private static void atLeastOne(String option, int value) {
        if (value < 1) {
            throw new ConfigException(option, "must be at least 1, found " + value);
        }
    }

    /**
     * Measures every model at every batch size and prints the table.
     *
     * @param models one or two model folders
     * @param printer where the table goes
     * @return the figures, keyed {@code model<k>.batch<B>.prefill_tokens_per_s} and {@code
     *     ...decode_tokens_per_s}, with {@code model<k>} naming the folder
     */
    Map<String, Object> run(List<Path> models, PrintWriter printer) {
        Map<String, Object> figures = new LinkedHashMap<>();
        List<List<LanguageModel.Throughput>> results = new ArrayList<>();
        for (int k = 0; k < models.size(); k++) {
            Path model = models.get(k);
            LanguageModel lm = LanguageModels.find(host, model);
            figures.put("model" + k, model.toString());
            List<LanguageModel.Throughput> rows = new ArrayList<>();
            for (int b : batches) {
                LanguageModel.Throughput t = lm.throughput(model, b, promptLength, newTokens, runs);
                rows.add(t);
                figures.put("model" + k + ".batch" + b + ".prefill_tokens_per_s",
                        t.prefillTokensPerSecond());
                figures.put("model" + k + ".batch" + b + ".decode_tokens_per_s",
                        t.decodeTokensPerSecond());
            }
            results.add(rows);
        }
        printer.printf("tokens/s, prompt %d, %d new tokens, median of %d (decode recomputes the"
                + " whole sequence per token: no key/value cache)%n", promptLength, newTokens, runs);
        StringBuilder header = new StringBuilder(String.format("%-6s %-8s", "batch", "phase"));
        for (Path m : models) {
            header.append(String.format(" %18s", shorten(m.getFileName().toString())));
        }
        if (models.size() == 2) {
            header.append(String.format(" %8s", "speed-up"));
        }
        printer.println(header);
        for (int i = 0; i < batches.size(); i++) {
            row(printer, batches.get(i), "prefill", results, i, true);
            row(printer, batches.get(i), "decode", results, i, false);
        }
        return figures;
    }

    private static void row(PrintWriter printer, int batch, String phase,
            List<List<LanguageModel.Throughput>> results, int i, boolean prefill) {
        StringBuilder line = new StringBuilder(String.format("%-6d %-8s", batch, phase));
        double[] values = new double[results.size()];
        for (int k = 0; k < results.size(); k++) {
            LanguageModel.Throughput t = results.get(k).get(i);
            values[k] = prefill ? t.prefillTokensPerSecond() : t.decodeTokensPerSecond();
            line.append(String.format(" %18.1f", values[k]));
        }
        if (values.length == 2) {
            line.append(String.format(" %7.2fx", values[1] / values[0]));
        }
        printer.println(line);
    }

    private static String shorten(String name) {
        return name.length() <= 18 ? name : name.substring(0, 17) + "~";
    }
}
