package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.core.plugin.PluginHost;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai demo}: builds ResNet-18 with seeded weights from the plugins folder's
 * {@code torchvision} adapter and runs {@link Demo} on it.
 */
@Command(
        name = "demo",
        header = "Prune half of ResNet-18's channels and show what changed.",
        description = "Builds ResNet-18 with seeded weights, prints the DepGraph group of conv1"
                + " for idxs [2, 6, 9], prunes 50 %% of the channels (L2 magnitude, 'fc' ignored,"
                + " one step, local ranking) and prints params, MACs, latency and output shape"
                + " before -> after.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the model's weights (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--runs", defaultValue = "30", paramLabel = "N",
            description = "Timed forward passes before and after pruning (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public DemoCommand() {
    }

    /**
     * Loads the plugins (folder from {@code -Dbonsai.plugins.dir}, default {@code ./plugins})
     * and runs the demo.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        if (runs < 1) {
            throw new ConfigException("--runs", "must be at least 1, found " + runs);
        }
        try (PluginHost host = PluginHosts.open(spec)) {
            new Demo(host, seed, runs).run(spec.commandLine().getOut());
        }
        return 0;
    }
}
