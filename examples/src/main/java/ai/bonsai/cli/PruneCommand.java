package ai.bonsai.cli;

import ai.bonsai.api.pruner.FamilyDefaults;
import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.Cancellation;
import ai.bonsai.core.embed.Progress;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PlanBinder;
import ai.bonsai.core.plan.PlanTree;
import ai.bonsai.core.plan.PruningPlan;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.report.PruningReport;
import ai.bonsai.core.report.ReportPage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai prune}: reads a model file, prunes it with DepGraph groups and writes the pruned
 * model, printing a before/after table. The settings come from a plan file ({@code --plan}), from
 * options, or both (options override the plan's fields); either way they are validated before
 * any work starts, and the outputs are written only when the whole run succeeded.
 */
@Command(
        name = "prune",
        header = "Prune a model file (ONNX, Bonsai bundle, ...) and write the smaller model.",
        description = "Ranks the channels of every DepGraph group with the chosen importance,"
                + " removes the lowest-ranked fraction, and writes the pruned model in the format"
                + " of --out's extension. The linear layers that produce the model's outputs are"
                + " ignored unless --prune-classifier is given, as Torch-Pruning's examples do."
                + " With --plan the settings come from a YAML or JSON plan (docs/plan.md); the"
                + " options given override its fields. A plan error exits with status 2.")
public final class PruneCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "The model file to prune (overrides the plan's model.path).")
    private Path model;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "A pruning plan (YAML or JSON); options override its fields.")
    private Path plan;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write the pruned model; its extension picks the format"
                    + " (plan: outputs.model).")
    private Path out;

    @Option(names = "--ratio",
            description = "Fraction of channels removed from each group (default: 0.5;"
                    + " plan: pruner.ratio).")
    private Double ratio;

    @Option(names = "--importance", paramLabel = "NAME",
            description = "l1, l2, bnscale, lamp, fpgm, random, taylor, hessian, obdc,"
                    + " activation (wanda), flap, or a plugin's criterion (default: l2;"
                    + " plan: importance.name).")
    private String importance;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "A parameter of the criterion (p=1, normalizer=max, group_reduction=sum,"
                    + " seed=3, ...); repeatable (plan: importance.parameters).")
    private Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--global",
            description = "Rank the channels of all groups together instead of group by group.")
    private boolean global;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Safetensors file of named graph inputs for criteria that need data"
                    + " (taylor, hessian, obdc, activation/wanda, flap); a first dimension that is a"
                    + " multiple of the input's is cut into batches. The loss is the sum of the"
                    + " outputs. Repeatable (plan: calibration).")
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

    @Option(names = "--steps",
            description = "Iterative steps with a linear schedule (default: 1).")
    private Integer steps;

    @Option(names = "--round-to", paramLabel = "N",
            description = "Round the channels left down to a multiple of N (default: 1).")
    private Integer roundTo;

    @Option(names = InputShapeOptions.OPTION, paramLabel = "NAME=DIMS",
            description = "The full shape of a graph input whose dimensions are symbolic (a"
                    + " dynamic batch, height or width), such as images=1,3,640,640; repeatable;"
                    + " replaces the plan's model.input_shapes.")
    private List<String> inputShapes = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write params and MACs before/after and each pruned layer's kept"
                    + " output-channel indices as JSON (plan: outputs.summary).")
    private Path json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a self-contained HTML report: figures, per-layer table,"
                    + " charts of widths and MACs before/after, and the pruned groups"
                    + " (plan: outputs.report).")
    private Path htmlReport;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public PruneCommand() {
    }

    /**
     * Validates the plan, prunes the model and writes the outputs.
     *
     * @return 0
     * @throws ai.bonsai.core.plan.PlanException for an invalid plan or option (exit status 2)
     */
    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        PlanTree tree = tree();
        PruningPlan given = PlanBinder.bind(tree);
        if (given.model().isEmpty()) {
            throw given.places().error("model.path",
                    "required: give MODEL or model.path in the plan");
        }
        Path target = given.outputs().model().orElseThrow(() -> given.places()
                .error("outputs.model", "required: give --out FILE or outputs.model in the plan"));
        try (PluginHost host = PluginHosts.open(spec);
                Bonsai bonsai = Bonsai.builder().optPluginHost(host).optThreads(1).build()) {
            bonsai.validate(given);
            try (BonsaiModel loaded = bonsai.load(given)) {
                PruningPlan pruningPlan = withFamilyDefaults(host, loaded, tree, given, printer);
                if (pruningPlan != given) {
                    bonsai.validate(pruningPlan);
                }
                try (PhaseBars bars = new PhaseBars(ProgressBars.of(spec));
                        PruningResult result = bonsai.prune(loaded, pruningPlan,
                                p -> progress(printer, bars, p), Cancellation.none())) {
                    bars.close();
                    write(printer, bonsai, loaded, result, pruningPlan, target);
                }
            }
        }
        printer.flush();
        return 0;
    }

    private static void write(PrintWriter printer, Bonsai bonsai, BonsaiModel loaded,
            PruningResult result, PruningPlan pruningPlan, Path target) {
        report(printer, result, pruningPlan);
        PruneReport report = PruneReport.of(pruningPlan.model().get().path()
                .map(Path::toString).orElse(loaded.name()), result,
                pruningPlan.pruner().global(), pruningPlan.pruner().roundTo());
        bonsai.save(result, pruningPlan);
        report.print(printer);
        printer.printf("wrote %s%n", target);
        if (pruningPlan.outputs().summary().isPresent()) {
            Path summary = pruningPlan.outputs().summary().get();
            JsonFiles.write(report.toJson(), summary, "pruning summary");
            printer.printf("wrote %s%n", summary);
        }
        if (pruningPlan.outputs().report().isPresent()) {
            Path page = pruningPlan.outputs().report().get();
            ReportPage.write(PruningReport.of(report.model(), loaded.graph(), result), page);
            printer.printf("wrote %s%n", page);
        }
    }

    /**
     * Fills the fields the plan and the options leave unset with the defaults of the loaded
     * model's family ({@link FamilyDefaults} from the plugins), and says which it applied.
     */
    private static PruningPlan withFamilyDefaults(PluginHost host, BonsaiModel loaded,
            PlanTree tree, PruningPlan plan, PrintWriter printer) {
        for (FamilyDefaults family : host.extensions(FamilyDefaults.class)) {
            if (!family.appliesTo(loaded.graph())) {
                continue;
            }
            List<String> applied = new ArrayList<>();
            family.planFields().forEach((field, value) -> {
                if (!tree.has(field)) {
                    tree.set(field, value, "the " + family.name() + " defaults");
                    applied.add(field + " = " + value);
                }
            });
            if (!applied.isEmpty()) {
                printer.printf("%s defaults: %s%n", family.name(), String.join(", ", applied));
                return PlanBinder.bind(tree);
            }
            return plan;
        }
        return plan;
    }

    private PlanTree tree() {
        PlanTree tree = plan != null ? PlanTree.read(plan)
                : PlanTree.empty(Path.of("").toAbsolutePath());
        if (model != null) {
            tree.set("model.path", model.toAbsolutePath().toString(), "MODEL");
        }
        if (out != null) {
            tree.set("outputs.model", out.toAbsolutePath().toString(), "--out");
        }
        if (!inputShapes.isEmpty()) {
            Map<String, Object> shapes = new LinkedHashMap<>();
            InputShapeOptions.dims(inputShapes, spec.commandLine())
                    .forEach((name, dims) -> shapes.put(name, new ArrayList<Object>(dims)));
            tree.set("model.input_shapes", shapes, InputShapeOptions.OPTION);
        }
        if (json != null) {
            tree.set("outputs.summary", json.toAbsolutePath().toString(), "--json");
        }
        if (htmlReport != null) {
            tree.set("outputs.report", htmlReport.toAbsolutePath().toString(), "--report");
        }
        if (importance != null) {
            tree.set("importance", new LinkedHashMap<>(Map.of("name", importance)), "--importance");
        }
        params.forEach((k, v) -> tree.set("importance.parameters." + k, CommandLineValues.parse(v),
                "--param " + k));
        if (ratio != null) {
            tree.set("pruner.ratio", ratio, "--ratio");
        }
        if (targetMacs != null || targetParams != null) {
            tree.remove("pruner.ratio");
            tree.set("pruner.budget", new LinkedHashMap<>(), "--target-macs/--target-params");
            if (targetMacs != null) {
                tree.set("pruner.budget.macs", targetMacs, "--target-macs");
            }
            if (targetParams != null) {
                tree.set("pruner.budget.params", targetParams, "--target-params");
            }
        }
        if (global) {
            tree.set("pruner.global", true, "--global");
        }
        if (pruneClassifier) {
            tree.set("pruner.prune_classifier", true, "--prune-classifier");
        }
        if (!ignore.isEmpty()) {
            tree.set("pruner.ignored_layers", new ArrayList<>(ignore), "--ignore");
        }
        if (steps != null) {
            tree.set("pruner.steps", steps.longValue(), "--steps");
        }
        if (roundTo != null) {
            tree.set("pruner.round_to", roundTo.longValue(), "--round-to");
        }
        if (!calibration.isEmpty()) {
            List<Object> files = new ArrayList<>();
            calibration.forEach(f -> files.add(f.toAbsolutePath().toString()));
            tree.set("calibration", files, "--calibration");
        }
        return tree;
    }

    private static void progress(PrintWriter printer, PhaseBars bars, Progress p) {
        bars.update(p);
        if (p.phase().equals("calibrate") && p.done() == p.total()) {
            printer.printf("calibrated on %d batch(es)%n", p.total());
            printer.flush();
        }
    }

    private static void report(PrintWriter printer, PruningResult result, PruningPlan plan) {
        plan.pruner().budget().ifPresent(b -> printer.printf("budget: %s %d met at ratio %.4f%n",
                b.metric().name().toLowerCase(Locale.ROOT), b.target(), result.ratio()));
        int steps = plan.pruner().steps();
        for (int s = 1; s <= steps; s++) {
            int step = s;
            printer.printf("step %d/%d: pruned %d groups%n", s, steps,
                    result.groups().stream().filter(g -> g.step() == step).count());
        }
    }
}
