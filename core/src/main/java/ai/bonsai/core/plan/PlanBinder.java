package ai.bonsai.core.plan;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.api.pruner.PruningSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds a {@link PlanTree} to a {@link PruningPlan}, checking every field's type and range and
 * that the files it reads exist; a problem is one {@link PlanException} naming the file, line,
 * column and field path. Names of extensions and their parameters are checked against the loaded
 * plugins by {@link PlanResolver}.
 *
 * <pre>{@code
 * PruningPlan plan = PlanBinder.read(Path.of("plan.yaml"));
 * }</pre>
 */
public final class PlanBinder {

    /** The default criterion: magnitude with p = 2, as the command line's default. */
    public static final String DEFAULT_IMPORTANCE = "l2";
    /** The default pruner. */
    public static final String DEFAULT_PRUNER = "meta";

    private static final Set<String> TOP = Set.of("model", "pruner", "importance", "regularizer",
            "calibration", "outputs");
    private static final Set<String> MODEL = Set.of("path", "format", "adapter", "options",
            "input_shapes");
    private static final Set<String> PRUNER = Set.of("name", "ratio", "budget", "ratios",
            "ignored_layers", "prune_classifier", "global", "steps", "schedule", "round_to",
            "max_pruning_ratio", "isomorphic", "heads", "parameters");
    private static final Set<String> BUDGET = Set.of("macs", "params");
    private static final Set<String> HEADS = Set.of("num_heads", "prune_num_heads",
            "prune_head_dims", "head_ratio");
    private static final Set<String> EXTENSION = Set.of("name", "parameters");
    private static final Set<String> OUTPUTS = Set.of("model", "format", "summary", "report");

    private PlanBinder() {
    }

    /**
     * Reads and binds a plan file.
     *
     * @param file a YAML or JSON plan
     * @return the plan
     * @throws PlanException naming the place and field of the first problem
     */
    public static PruningPlan read(Path file) {
        return bind(PlanTree.read(file));
    }

    /**
     * Binds a plan document.
     *
     * @param tree the document
     * @return the plan
     * @throws PlanException naming the place and field of the first problem
     */
    public static PruningPlan bind(PlanTree tree) {
        PlanSection top = new PlanSection(tree, "", tree.root(), TOP);
        Optional<ModelSource> model = top.section("model", MODEL).map(PlanBinder::model);
        ExtensionChoice importance = top.has("importance") ? extension(top, "importance")
                : ExtensionChoice.of(DEFAULT_IMPORTANCE);
        PrunerSettings pruner = pruner(top.section("pruner", PRUNER)
                .orElseGet(() -> new PlanSection(tree, "pruner", Map.of(), PRUNER)));
        Optional<ExtensionChoice> regularizer = top.has("regularizer")
                ? Optional.of(extension(top, "regularizer")) : Optional.empty();
        List<Path> calibration = new ArrayList<>();
        List<String> files = top.strings("calibration");
        for (int i = 0; i < files.size(); i++) {
            calibration.add(existing(top, "calibration", i, files.size(), files.get(i)));
        }
        PlanOutputs outputs = top.section("outputs", OUTPUTS).map(PlanBinder::outputs)
                .orElse(PlanOutputs.NONE);
        return new PruningPlan(model, importance, pruner, regularizer, calibration, outputs,
                tree.places());
    }

    private static Path existing(PlanSection s, String key, int index, int count, String file) {
        return existing(s, key, index, count, file, false);
    }

    private static Path existing(PlanSection s, String key, int index, int count, String file,
            boolean folderAllowed) {
        Path p = s.tree().baseDir().resolve(file).normalize();
        if (!(Files.isRegularFile(p) || folderAllowed && Files.isDirectory(p))) {
            String field = count == 1 && s.raw(key) instanceof String ? s.field(key)
                    : s.field(key) + "[" + index + "]";
            throw new PlanException(s.tree().valuePlace(field), field,
                    "file '" + p + "' does not exist");
        }
        return p;
    }

    private static ModelSource model(PlanSection s) {
        Optional<String> file = s.string("path");
        Optional<String> adapter = s.string("adapter");
        if (file.isPresent() == adapter.isPresent()) {
            throw new PlanException(s.tree().keyPlace(s.path()), s.path(),
                    "give either path (a model file) or adapter (an architecture), found "
                            + (file.isPresent() ? "both" : "neither"));
        }
        Optional<Path> path = file.map(f -> existing(s, "path", 0, 1, f, true));
        Map<String, String> options = new LinkedHashMap<>();
        s.map("options").forEach((k, v) -> options.put(k, String.valueOf(v)));
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        PlanSection shapeSection = new PlanSection(s.tree(), s.field("input_shapes"),
                s.map("input_shapes"), s.map("input_shapes").keySet());
        for (String input : s.map("input_shapes").keySet()) {
            shapes.put(input, dims(shapeSection, input));
        }
        if (adapter.isPresent() && shapes.size() != 1) {
            throw s.error("input_shapes", "an adapter's model takes one input shape, such as"
                    + " {input: [1, 3, 224, 224]}, found " + shapes.size());
        }
        return new ModelSource(path, s.string("format"), adapter, options, shapes);
    }

    private static List<Long> dims(PlanSection s, String input) {
        List<Long> dims = new ArrayList<>();
        for (Object d : s.list(input)) {
            if (!(d instanceof Long) || (Long) d < 1) {
                throw s.error(input, "must be a list of positive integers, found "
                        + PlanSection.describe(d));
            }
            dims.add((Long) d);
        }
        if (dims.isEmpty()) {
            throw s.error(input, "must not be empty");
        }
        return dims;
    }

    private static ExtensionChoice extension(PlanSection top, String key) {
        if (top.raw(key) instanceof String) {
            return ExtensionChoice.of(top.string(key).orElseThrow());
        }
        PlanSection s = top.section(key, EXTENSION).orElseThrow();
        String name = s.string("name").orElseThrow(() -> s.error("name", "required"));
        return new ExtensionChoice(name, s.map("parameters"));
    }

    private static PrunerSettings pruner(PlanSection s) {
        double ratio = ratio(s, "ratio", 0.5);
        Optional<PruningBudget> budget = s.section("budget", BUDGET).map(PlanBinder::budget);
        if (budget.isPresent() && s.has("ratio")) {
            throw s.error("budget", "give ratio or budget, not both");
        }
        Map<String, Double> ratios = new LinkedHashMap<>();
        PlanSection r = new PlanSection(s.tree(), s.field("ratios"), s.map("ratios"),
                s.map("ratios").keySet());
        for (String pattern : s.map("ratios").keySet()) {
            ratios.put(pattern, ratio(r, pattern, 0));
        }
        int steps = atLeastOne(s, "steps");
        List<Double> schedule = schedule(s, steps);
        return new PrunerSettings(s.string("name", DEFAULT_PRUNER), ratio, budget, ratios,
                s.strings("ignored_layers"), s.bool("prune_classifier", false),
                s.bool("global", false), steps, schedule, atLeastOne(s, "round_to"),
                maxRatio(s), s.bool("isomorphic", false),
                s.section("heads", HEADS).map(PlanBinder::heads).orElse(HeadSettings.NONE),
                s.map("parameters"));
    }

    private static double ratio(PlanSection s, String key, double defaultValue) {
        double r = s.number(key, defaultValue);
        if (!(r >= 0 && r < 1)) {
            throw s.error(key, "must be in [0, 1), found " + s.raw(key));
        }
        return r;
    }

    private static double maxRatio(PlanSection s) {
        double r = s.number("max_pruning_ratio", 1);
        if (!(r > 0 && r <= 1)) {
            throw s.error("max_pruning_ratio", "must be in (0, 1], found "
                    + s.raw("max_pruning_ratio"));
        }
        return r;
    }

    private static int atLeastOne(PlanSection s, String key) {
        long n = s.integer(key).orElse(1L);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw s.error(key, "must be at least 1, found " + n);
        }
        return (int) n;
    }

    private static PruningBudget budget(PlanSection s) {
        if (s.has("macs") == s.has("params")) {
            throw new PlanException(s.tree().valuePlace(s.path()), s.path(),
                    "give one target, macs or params");
        }
        String key = s.has("macs") ? "macs" : "params";
        long target = s.integer(key).orElseThrow();
        if (target < 1) {
            throw s.error(key, "must be positive, found " + target);
        }
        return key.equals("macs") ? PruningBudget.macs(target) : PruningBudget.params(target);
    }

    private static List<Double> schedule(PlanSection s, int steps) {
        if (!s.has("schedule") || "linear".equals(s.raw("schedule"))) {
            return List.of();
        }
        if (s.raw("schedule") instanceof String) {
            throw s.error("schedule", "must be linear or a list of fractions, found "
                    + PlanSection.describe(s.raw("schedule")));
        }
        List<Double> fractions = new ArrayList<>();
        for (Object f : s.list("schedule")) {
            if (!(f instanceof Number)) {
                throw s.error("schedule", "must be a list of numbers, found "
                        + PlanSection.describe(f));
            }
            fractions.add(((Number) f).doubleValue());
        }
        try {
            PruningSchedule.fractions(
                    fractions.stream().mapToDouble(Double::doubleValue).toArray());
        } catch (ConfigException e) {
            throw s.error("schedule", e.problem());
        }
        if (fractions.size() != steps) {
            throw s.error("schedule", "has " + fractions.size() + " fractions for " + steps
                    + " steps");
        }
        return fractions;
    }

    private static HeadSettings heads(PlanSection s) {
        Map<String, Integer> numHeads = new LinkedHashMap<>();
        PlanSection n = new PlanSection(s.tree(), s.field("num_heads"), s.map("num_heads"),
                s.map("num_heads").keySet());
        for (String pattern : s.map("num_heads").keySet()) {
            numHeads.put(pattern, atLeastOne(n, pattern));
        }
        boolean pruneNumHeads = s.bool("prune_num_heads", false);
        if (pruneNumHeads && numHeads.isEmpty()) {
            throw s.error("prune_num_heads", "needs num_heads for at least one layer");
        }
        return new HeadSettings(numHeads, pruneNumHeads, s.bool("prune_head_dims", true),
                ratio(s, "head_ratio", 0));
    }

    private static PlanOutputs outputs(PlanSection s) {
        return new PlanOutputs(s.path("model"), s.string("format"), s.path("summary"),
                s.path("report"));
    }
}
