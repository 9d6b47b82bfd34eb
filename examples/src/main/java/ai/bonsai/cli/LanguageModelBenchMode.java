package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bonsai bench MODEL_DIR [PRUNED_DIR]}: prefill and decode tokens per second of
 * language-model folders, side by side ({@link LanguageModelBench}).
 */
final class LanguageModelBenchMode implements BenchMode {

    /** Timed runs per figure when {@code --runs} is not given. */
    static final int DEFAULT_RUNS = 5;

    private final Supplier<PluginHost> hosts;
    private final List<Path> models;
    private final String format;
    private final List<Integer> batches;
    private final int promptLength;
    private final int newTokens;
    private final Integer runs;

    /**
     * Creates the mode.
     *
     * @param hosts opens the command's plugin host
     * @param models one or two model folders
     * @param format the {@code --format} given, or null (it only applies without a model)
     * @param batches the batch sizes
     * @param promptLength the prompt's tokens
     * @param newTokens the generated tokens
     * @param runs timed runs per figure, or null for {@link #DEFAULT_RUNS}
     */
    LanguageModelBenchMode(Supplier<PluginHost> hosts, List<Path> models, String format,
            List<Integer> batches, int promptLength, int newTokens, Integer runs) {
        this.hosts = hosts;
        this.models = List.copyOf(models);
        this.format = format;
        this.batches = List.copyOf(batches);
        this.promptLength = promptLength;
        this.newTokens = newTokens;
        this.runs = runs;
    }

    @Override
    public Map<String, Object> run(PrintWriter out) {
        if (format != null) {
            throw new ConfigException("--format", "times ResNet-50 files; give it without MODEL");
        }
        try (PluginHost host = hosts.get()) {
            return new LanguageModelBench(host, batches, promptLength, newTokens,
                    runs == null ? DEFAULT_RUNS : runs).run(models, out);
        }
    }
}
