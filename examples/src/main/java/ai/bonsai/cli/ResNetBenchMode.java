package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bonsai bench} without a model: ResNet-50's DepGraph build, pruning and DJL latency
 * ({@link Benchmark}) or, with {@code --format}, reading, pruning and writing it as a file of that
 * format ({@link FileBenchmark}); every figure is printed, one a line.
 */
final class ResNetBenchMode implements BenchMode {

    private final Supplier<PluginHost> hosts;
    private final String runtime;
    private final String format;
    private final long seed;

    /**
     * Creates the mode.
     *
     * @param hosts opens the command's plugin host
     * @param runtime the {@code --runtime} given, or null (it only applies to model files)
     * @param format the {@code --format} to time, or null for the graph benchmark
     * @param seed the seed of the model's weights
     */
    ResNetBenchMode(Supplier<PluginHost> hosts, String runtime, String format, long seed) {
        this.hosts = hosts;
        this.runtime = runtime;
        this.format = format;
        this.seed = seed;
    }

    @Override
    public Map<String, Object> run(PrintWriter out) {
        if (runtime != null) {
            throw new ConfigException("--runtime", "needs two model files, the original and"
                    + " the pruned one");
        }
        Map<String, Object> figures;
        try (PluginHost host = hosts.get()) {
            figures = format == null
                    ? new Benchmark(host, seed).run(out)
                    : new FileBenchmark(host, seed, format).run(out);
        }
        figures.forEach((k, v) -> out.printf("%-30s %s%n", k,
                v instanceof Double ? String.format("%.2f", (Double) v) : v));
        return figures;
    }
}
