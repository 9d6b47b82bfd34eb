package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.LayerCost;
import ai.bonsai.core.count.LayerCounter;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.io.Safetensors;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.BudgetResult;
import ai.bonsai.core.pruner.BudgetSearch;
import ai.bonsai.core.pruner.KeptChannels;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.pruner.OutputClassifiers;
import ai.bonsai.core.report.GroupLog;
import ai.bonsai.core.report.PruningReport;
import ai.bonsai.core.report.ReportPage;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
            description = "l1, l2, bnscale, lamp, fpgm, random, taylor, hessian, obdc,"
                    + " activation (wanda), flap, or a plugin's criterion (default: ${DEFAULT-VALUE}).")
    private String importance;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "A parameter of the criterion (p=1, normalizer=max, group_reduction=sum,"
                    + " seed=3, ...); repeatable.")
    private Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--global",
            description = "Rank the channels of all groups together instead of group by group.")
    private boolean global;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Safetensors file of named graph inputs for criteria that need data"
                    + " (taylor, hessian, obdc, activation/wanda, flap); a first dimension that is a"
                    + " multiple of the input's is cut into batches. The loss is the sum of the"
                    + " outputs. Repeatable.")
    private List<Path> calibration = new ArrayList<>();

    @Option(names = "--target-macs", paramLabel = "N",
            description = "Instead of --ratio, search the ratio that brings MACs down to N.")
    private Long targetMacs;

    @Option(names = "--target-params", paramLabel = "N",
            description = "Instead of --ratio, search the ratio that brings parameters down to N.")
    private Long targetParams;

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

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a self-contained HTML report: figures, per-layer table,"
                    + " charts of widths and MACs before/after, and the pruned groups.")
    private Path htmlReport;

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
        try (PluginHost host = PluginHosts.open(spec);
                Graph graph = ModelFiles.read(host, model)) {
            ModelFormat writer = ModelFiles.formatFor(host, out);
            List<String> ignored = new ArrayList<>(ignore);
            if (!pruneClassifier) {
                ignored.addAll(OutputClassifiers.find(graph));
            }
            ImportanceCriterion criterion = Criteria.named(host, importance, params);
            PruningConfig config = PruningConfig.builder()
                    .setImportance(criterion)
                    .optRatio(ratio)
                    .optIgnoredLayers(ignored)
                    .optSteps(steps)
                    .optRoundTo(roundTo)
                    .optGlobalPruning(global)
                    .build();
            calibrate(graph, criterion, printer);
            config = withBudgetRatio(host, config, criterion, printer);
            ModelCost before = OpCounter.count(graph);
            List<LayerCost> layersBefore = LayerCounter.count(graph);
            GroupLog groups = htmlReport == null ? GroupLog.countOnly() : GroupLog.withDefaults();
            KeptChannels kept = prune(graph, config, groups, printer);
            ModelCost after = OpCounter.count(graph);
            PruneReport report = new PruneReport(model.toString(), importance, config.ratio(),
                    global, ignored, before, after, layers(kept));
            writer.write(graph, out, report.settings());
            report.print(printer);
            printer.printf("wrote %s%n", out);
            if (json != null) {
                JsonFiles.write(report.toJson(), json, "pruning summary");
                printer.printf("wrote %s%n", json);
            }
            if (htmlReport != null) {
                ReportPage.write(PruningReport.of(model.toString(), report.settings(), before,
                        after, layersBefore, LayerCounter.count(graph), groups), htmlReport);
                printer.printf("wrote %s%n", htmlReport);
            }
        }
        printer.flush();
        return 0;
    }

    private void calibrate(Graph graph, ImportanceCriterion criterion, PrintWriter printer) {
        if (!(criterion instanceof CalibratedCriterion)) {
            if (!calibration.isEmpty()) {
                throw new ConfigException("calibration", "criterion '" + importance
                        + "' does not use calibration data");
            }
            return;
        }
        if (calibration.isEmpty()) {
            throw new ConfigException("calibration", "criterion '" + importance
                    + "' needs calibration data: --calibration inputs.safetensors");
        }
        CalibratedCriterion calibrated = (CalibratedCriterion) criterion;
        int batches = 0;
        try (NDManager manager = NDManager.newBaseManager();
                Progress.Bar bar = Progress.of(spec).start("calibrate", calibration.size())) {
            for (Path file : calibration) {
                for (NDList batch : NamedInputs.batches(graph, Safetensors.read(file, manager), file)) {
                    calibrated.accumulate(graph, batch);
                    batches++;
                    bar.message(batches + " batch(es)");
                }
                bar.step();
            }
        }
        printer.printf("calibrated %s on %d batch(es)%n", importance, batches);
    }

    private PruningConfig withBudgetRatio(PluginHost host, PruningConfig config,
            ImportanceCriterion criterion, PrintWriter printer) {
        if (targetMacs == null && targetParams == null) {
            return config;
        }
        if (targetMacs != null && targetParams != null) {
            throw new ConfigException("target", "give --target-macs or --target-params, not both");
        }
        if (criterion instanceof CalibratedCriterion) {
            throw new ConfigException("target", "a budget search prunes fresh copies of the model;"
                    + " criterion '" + importance + "' is calibrated on one copy: use --ratio");
        }
        PruningBudget budget = targetMacs != null
                ? PruningBudget.macs(targetMacs) : PruningBudget.params(targetParams);
        BudgetResult found = BudgetSearch.search(() -> ModelFiles.read(host, model),
                config.toBuilder().optBudget(budget).build());
        found.graph().close();
        printer.printf("budget: %s%n", found);
        return config.toBuilder().optRatio(found.ratio()).build();
    }

    private KeptChannels prune(Graph graph, PruningConfig config, GroupLog log,
            PrintWriter printer) {
        KeptChannels kept = KeptChannels.of(graph);
        PruningRun run = new MetaPruner().start(graph, config);
        List<String> steps = new ArrayList<>();
        try (Progress.Bar bar = Progress.of(spec).start("prune", run.steps())) {
            while (run.hasNextStep()) {
                int groups = 0;
                for (Iterator<Group> it = run.stepInteractive(); it.hasNext(); groups++) {
                    Group g = it.next();
                    kept.record(g);
                    log.record(g);
                    g.prune();
                    bar.message(groups + 1 + " groups");
                }
                bar.step();
                steps.add(String.format("step %d/%d: pruned %d groups", run.currentStep(),
                        run.steps(), groups));
            }
        }
        steps.forEach(printer::println);
        printer.flush();
        return kept;
    }

    private static Map<String, PruneReport.Layer> layers(KeptChannels kept) {
        Map<String, PruneReport.Layer> layers = new LinkedHashMap<>();
        kept.pruned().forEach((name, idxs) ->
                layers.put(name, new PruneReport.Layer(kept.initialOutChannels(name), idxs)));
        return layers;
    }
}
