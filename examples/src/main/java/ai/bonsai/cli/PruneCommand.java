package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.KeptChannels;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.pruner.OutputClassifiers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai prune}: reads a model file, prunes it with DepGraph groups and writes the pruned
 * model, printing a before/after table. The output is written only when the whole run succeeded.
 */
@Command(
        name = "prune",
        header = "Prune a model file (ONNX, Bonsai bundle, ...) and write the smaller model.",
        description = "Ranks the channels of every DepGraph group with the chosen importance,"
                + " removes the lowest-ranked fraction, and writes the pruned model in the format"
                + " of --out's extension. The linear layers that produce the model's outputs are"
                + " ignored unless --prune-classifier is given, as Torch-Pruning's examples do.")
public final class PruneCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file to prune.")
    private Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to write the pruned model; its extension picks the format.")
    private Path out;

    @Option(names = "--ratio", defaultValue = "0.5",
            description = "Fraction of channels removed from each group (default: ${DEFAULT-VALUE}).")
    private double ratio;

    @Option(names = "--importance", defaultValue = "l2", paramLabel = "NAME",
            description = "l1, l2 or a registered criterion's name (default: ${DEFAULT-VALUE}).")
    private String importance;

    @Option(names = "--ignore", paramLabel = "PATTERN", arity = "1..*",
            description = "Node name patterns (globs) whose output channels are kept.")
    private List<String> ignore = new ArrayList<>();

    @Option(names = "--prune-classifier",
            description = "Also prune the output channels of the layers producing the outputs.")
    private boolean pruneClassifier;

    @Option(names = "--steps", defaultValue = "1",
            description = "Iterative steps with a linear schedule (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--round-to", defaultValue = "1", paramLabel = "N",
            description = "Round the channels left down to a multiple of N (default: ${DEFAULT-VALUE}).")
    private int roundTo;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write params and MACs before/after and each pruned layer's kept"
                    + " output-channel indices as JSON.")
    private Path json;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public PruneCommand() {
    }

    /**
     * Prunes the model and writes the outputs.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        try (PluginHost host = PluginHost.builder().build();
                Graph graph = ModelFiles.read(host, model)) {
            ModelFormat writer = ModelFiles.formatFor(host, out);
            List<String> ignored = new ArrayList<>(ignore);
            if (!pruneClassifier) {
                ignored.addAll(OutputClassifiers.find(graph));
            }
            PruningConfig config = PruningConfig.builder()
                    .setImportance(Criteria.named(host, importance))
                    .optRatio(ratio)
                    .optIgnoredLayers(ignored)
                    .optSteps(steps)
                    .optRoundTo(roundTo)
                    .build();
            ModelCost before = OpCounter.count(graph);
            KeptChannels kept = prune(graph, config, printer);
            ModelCost after = OpCounter.count(graph);
            PruneReport report = new PruneReport(model.toString(), importance, ratio, ignored,
                    before, after, layers(kept));
            graph.putMetadata("bonsai.pruning", report.settings());
            writer.write(graph, out);
            report.print(printer);
            printer.printf("wrote %s%n", out);
            if (json != null) {
                JsonFiles.write(report.toJson(), json, "pruning summary");
                printer.printf("wrote %s%n", json);
            }
        }
        printer.flush();
        return 0;
    }

    private static KeptChannels prune(Graph graph, PruningConfig config, PrintWriter printer) {
        KeptChannels kept = KeptChannels.of(graph);
        PruningRun run = new MetaPruner().start(graph, config);
        while (run.hasNextStep()) {
            int groups = 0;
            for (Iterator<Group> it = run.stepInteractive(); it.hasNext(); groups++) {
                Group g = it.next();
                kept.record(g);
                g.prune();
            }
            printer.printf("step %d/%d: pruned %d groups%n", run.currentStep(), run.steps(), groups);
            printer.flush();
        }
        return kept;
    }

    private static Map<String, PruneReport.Layer> layers(KeptChannels kept) {
        Map<String, PruneReport.Layer> layers = new LinkedHashMap<>();
        kept.pruned().forEach((name, idxs) ->
                layers.put(name, new PruneReport.Layer(kept.initialOutChannels(name), idxs)));
        return layers;
    }
}
