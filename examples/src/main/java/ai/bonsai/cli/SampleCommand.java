package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Sampler;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai sample}: generates images with a generative model (a diffusers UNet folder,
 * pruned or not) through the first {@link Sampler} extension that accepts it, and writes them as
 * a PNG grid.
 */
@Command(
        name = "sample",
        header = "Generate images with a diffusion model and write them as a PNG grid.",
        description = "Reads MODEL (a diffusers UNet folder, or any file a format reads), samples"
                + " --count images with the first sampler plugin that accepts it (the diffusion"
                + " plugin's DDIM, eta 0) and writes them to --out in a grid ceil(sqrt(count))"
                + " images wide.")
public final class SampleCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model folder or file.")
    private Path model;

    @Option(names = "--steps", defaultValue = "50", description = "Denoising steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Noise seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--count", defaultValue = "16", paramLabel = "N",
            description = "Number of images (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The PNG file to write.")
    private Path out;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public SampleCommand() {
    }

    /**
     * Samples and writes the grid atomically.
     *
     * @return 0
     * @throws ModelFormatException if the model is missing or no sampler accepts it
     */
    @Override
    public Integer call() {
        if (!Files.exists(model)) {
            throw new ModelFormatException("model '" + model + "' does not exist");
        }
        Sampler.Settings settings = new Sampler.Settings(steps, seed, count, out);
        PrintWriter printer = spec.commandLine().getOut();
        try (PluginHost host = PluginHosts.open(spec);
                Graph graph = ModelFiles.formatFor(host, model).read(model,
                        host.newGraphBuilder(model.getFileName().toString(), 0))) {
            List<Sampler> samplers = host.extensions(Sampler.class);
            Sampler sampler = samplers.stream().filter(s -> s.accepts(graph)).findFirst()
                    .orElseThrow(() -> new ModelFormatException("no sampler accepts model '" + model
                            + "'; samplers: " + samplers.stream().map(Sampler::name)
                                    .collect(Collectors.toList()) + " (-Dbonsai.plugins.dir)"));
            Sampler.Grid grid = sampler.sample(graph, settings);
            printer.printf("wrote %s: %d images (%s, %d steps, seed %d), %d x %d grid, %d x %d pixels%n",
                    grid.file(), count, sampler.name(), steps, seed, grid.columns(), grid.rows(),
                    grid.width(), grid.height());
        }
        printer.flush();
        return 0;
    }
}
