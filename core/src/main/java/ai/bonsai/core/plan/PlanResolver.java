package ai.bonsai.core.plan;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningSchedule;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.importance.NamedParameters;
import ai.bonsai.core.plugin.ExtensionRegistry;
import ai.bonsai.core.plugin.PluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Resolves a plan's names against the loaded extensions: builds fresh, configured criterion,
 * pruner and regularizer instances for each run, the {@link PruningConfig}, and the model
 * formats. {@link #validate} does all of it once, so that a plan fails before any work starts;
 * every error is a {@link PlanException} placed at the plan's line and column.
 *
 * <pre>{@code
 * PlanResolver resolver = new PlanResolver(host);
 * resolver.validate(plan);
 * ImportanceCriterion criterion = resolver.criterion(plan);
 * }</pre>
 */
public final class PlanResolver {

    private final PluginHost host;

    /**
     * Creates a resolver over a host's registries.
     *
     * @param host the plugin host
     */
    public PlanResolver(PluginHost host) {
        this.host = host;
    }

    /**
     * Checks every name, parameter and cross-field rule of a plan.
     *
     * @param plan the plan
     * @throws PlanException naming the place and field of the first problem
     */
    public void validate(PruningPlan plan) {
        plan.model().ifPresent(m -> {
            if (m.adapter().isPresent()) {
                adapter(plan);
            } else {
                modelFormat(plan);
            }
        });
        ImportanceCriterion criterion = criterion(plan);
        pruner(plan);
        regularizer(plan);
        config(plan, criterion, List.of());
        plan.outputs().model().ifPresent(out -> outputFormat(plan));
    }

    /**
     * Returns a new criterion configured as the plan says (an alias's implied parameters first,
     * then the plan's).
     *
     * @param plan the plan
     * @return a fresh criterion
     * @throws PlanException for an unknown name or parameter, a wrong type or a bad value, and
     *     when calibration data and the criterion's needs disagree
     */
    public ImportanceCriterion criterion(PruningPlan plan) {
        ExtensionChoice choice = plan.importance();
        Map<String, Object> parameters = new LinkedHashMap<>();
        String name = choice.name();
        if (!host.criteria().names().contains(name)) {
            for (ImportanceCriterion c : host.criteria().all()) {
                Map<String, Object> implied = c.aliases().get(name);
                if (implied != null) {
                    name = c.name();
                    parameters.putAll(implied);
                }
            }
        }
        ImportanceCriterion base = find(plan, "importance", host.criteria(), name, aliases());
        checkDeclared(plan, "importance", base.name(), base.parameters(), choice.parameters());
        parameters.putAll(choice.parameters());
        ImportanceCriterion criterion = configured(plan, "importance",
                () -> parameters.isEmpty() ? base : base.withParameters(parameters));
        checkCalibration(plan, criterion, pruner(plan));
        return criterion;
    }

    /**
     * Returns a new pruner of the plan's name, configured with the plan's {@code
     * pruner.parameters}.
     *
     * @param plan the plan
     * @return a fresh pruner
     * @throws PlanException for an unknown name or parameter, a wrong type or a bad value
     */
    public Pruner pruner(PruningPlan plan) {
        Pruner base = find(plan, "pruner", host.pruners(), plan.pruner().name(), List.of());
        Map<String, Object> parameters = plan.pruner().parameters();
        checkDeclared(plan, "pruner", base.name(), base.parameters(), parameters);
        return configured(plan, "pruner",
                () -> parameters.isEmpty() ? base : base.withParameters(parameters));
    }

    /**
     * Returns a new regularizer configured as the plan says, if the plan has one.
     *
     * @param plan the plan
     * @return a fresh regularizer, or empty
     * @throws PlanException for an unknown name or parameter, a wrong type or a bad value
     */
    public Optional<Regularizer> regularizer(PruningPlan plan) {
        return plan.regularizer().map(choice -> {
            Regularizer base = find(plan, "regularizer", host.regularizers(), choice.name(),
                    List.of());
            checkDeclared(plan, "regularizer", base.name(), base.parameters(), choice.parameters());
            return configured(plan, "regularizer", () -> choice.parameters().isEmpty() ? base
                    : base.withParameters(choice.parameters()));
        });
    }

    /**
     * Returns the pruning settings of a plan.
     *
     * @param plan the plan
     * @param criterion the criterion (from {@link #criterion})
     * @param extraIgnored node names kept besides the plan's patterns (the output classifiers)
     * @return the config; a budget in the plan is set as the config's budget
     * @throws PlanException if the settings contradict each other
     */
    public PruningConfig config(PruningPlan plan, ImportanceCriterion criterion,
            Collection<String> extraIgnored) {
        PrunerSettings p = plan.pruner();
        List<String> ignored = new ArrayList<>(p.ignoredLayers());
        ignored.addAll(extraIgnored);
        PruningConfig.Builder b = PruningConfig.builder()
                .setImportance(criterion)
                .optRatio(p.ratio())
                .optIgnoredLayers(ignored)
                .optSteps(p.steps())
                .optRoundTo(p.roundTo())
                .optMaxPruningRatio(p.maxPruningRatio())
                .optGlobalPruning(p.global())
                .optIsomorphic(p.isomorphic())
                .optPruneNumHeads(p.heads().pruneNumHeads())
                .optPruneHeadDims(p.heads().pruneHeadDims())
                .optHeadRatio(p.heads().headRatio());
        p.ratios().forEach(b::optRatio);
        p.heads().numHeads().forEach(b::optNumHeads);
        if (!p.schedule().isEmpty()) {
            b.optSchedule(PruningSchedule.fractions(
                    p.schedule().stream().mapToDouble(Double::doubleValue).toArray()));
        }
        p.budget().ifPresent(b::optBudget);
        try {
            return b.build();
        } catch (ConfigException e) {
            throw plan.places().error(e.field(), e.problem());
        }
    }

    /**
     * Returns the format that reads the plan's model file.
     *
     * @param plan a plan with a model file
     * @return the format
     * @throws PlanException naming {@code model.format} or {@code model.path}, or {@code model}
     *     when the plan has no model file
     */
    public ModelFormat modelFormat(PruningPlan plan) {
        Path file = plan.model().flatMap(ModelSource::path)
                .orElseThrow(() -> plan.places().error("model.path", "required"));
        return format(plan, "model", plan.model().get().format(), file);
    }

    /**
     * Returns the adapter that builds the plan's architecture.
     *
     * @param plan a plan whose model is an adapter's architecture
     * @return the adapter
     * @throws PlanException naming {@code model.adapter}
     */
    public ModelAdapter adapter(PruningPlan plan) {
        String architecture = plan.model().flatMap(ModelSource::adapter).orElseThrow();
        try {
            return host.adapterFor(architecture);
        } catch (BonsaiException e) {
            throw plan.places().error("model.adapter", e.getMessage());
        }
    }

    /**
     * Returns the format the plan's pruned model is written in: {@code outputs.format}, else the
     * format that claims the output's name, else (a folder, or a name without an extension, that
     * no format claims) the input model's format, so that a Hugging Face folder is written back
     * as one.
     *
     * @param plan a plan with an output model
     * @return the format
     * @throws PlanException naming {@code outputs.format} or {@code outputs.model}
     */
    public ModelFormat outputFormat(PruningPlan plan) {
        Path out = plan.outputs().model().orElseThrow();
        Optional<Path> input = plan.model().flatMap(ModelSource::path);
        boolean folder = Files.isDirectory(out) || !out.getFileName().toString().contains(".");
        boolean claimed = host.formats().all().stream().anyMatch(f -> f.supports(out));
        if (plan.outputs().format().isEmpty() && folder && !claimed && input.isPresent()) {
            return format(plan, "model", plan.model().get().format(), input.get());
        }
        return format(plan, "outputs", plan.outputs().format(), out);
    }

    private ModelFormat format(PruningPlan plan, String section, Optional<String> name, Path file) {
        if (name.isPresent()) {
            return find(plan, section + ".format", host.formats(), name.get(), List.of());
        }
        try {
            return host.formatFor(file);
        } catch (BonsaiException e) {
            String field = section.equals("model") ? "model.path" : "outputs.model";
            throw plan.places().error(field, e.getMessage());
        }
    }

    private void checkCalibration(PruningPlan plan, ImportanceCriterion criterion,
            Pruner pruner) {
        boolean calibrated = criterion instanceof CalibratedCriterion;
        if (calibrated && plan.calibration().isEmpty()) {
            throw plan.places().error("importance", "criterion '" + plan.importance().name()
                    + "' needs calibration data: calibration: [inputs.safetensors]");
        }
        if (pruner.needsCalibration() && plan.calibration().isEmpty()) {
            throw plan.places().error("pruner.parameters", "pruner '" + pruner.name() + "' as"
                    + " configured needs calibration data: calibration: [inputs.safetensors]");
        }
        if (!calibrated && !pruner.needsCalibration() && !plan.calibration().isEmpty()) {
            throw plan.places().error("calibration", "criterion '" + plan.importance().name()
                    + "' does not use calibration data");
        }
        if (calibrated && plan.pruner().budget().isPresent()) {
            throw plan.places().error("pruner.budget", "a budget search prunes fresh copies of"
                    + " the model; criterion '" + plan.importance().name()
                    + "' is calibrated on one copy: give a ratio");
        }
    }

    private List<String> aliases() {
        return host.criteria().all().stream().flatMap(c -> c.aliases().keySet().stream())
                .collect(Collectors.toList());
    }

    private static <T> T find(PruningPlan plan, String section, ExtensionRegistry<T> registry,
            String name, List<String> aliases) {
        return registry.find(name).orElseThrow(() -> {
            TreeSet<String> available = new TreeSet<>(registry.names());
            available.addAll(aliases);
            String field = section.endsWith(".format") ? section : section + ".name";
            return plan.places().error(field, "unknown " + registry.kind() + " '" + name
                    + "'; available: " + String.join(", ", available));
        });
    }

    private static void checkDeclared(PruningPlan plan, String section, String name,
            List<ParameterDeclaration> declared, Map<String, Object> given) {
        if (declared.isEmpty()) {
            return;
        }
        Map<String, ParameterDeclaration> byKey = new LinkedHashMap<>();
        declared.forEach(d -> byKey.put(NamedParameters.canonical(d.name()), d));
        for (Map.Entry<String, Object> e : given.entrySet()) {
            String field = section + ".parameters." + e.getKey();
            ParameterDeclaration d = byKey.get(NamedParameters.canonical(e.getKey()));
            if (d == null) {
                throw plan.places().keyError(field, "unknown parameter of " + section + " '" + name
                        + "'; known: " + declared.stream().map(ParameterDeclaration::name)
                                .collect(Collectors.joining(", ")));
            }
            if (!d.type().accepts(e.getValue())) {
                throw plan.places().error(field, "must be " + article(d.type()) + ", found "
                        + PlanSection.describe(e.getValue()));
            }
        }
    }

    private static String article(ParameterDeclaration.Type type) {
        return type == ParameterDeclaration.Type.INTEGER ? "an integer" : "a " + type.label();
    }

    private static <T> T configured(PruningPlan plan, String section,
            Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            String field = e.field().startsWith(section + ".")
                    ? section + ".parameters." + e.field().substring(section.length() + 1)
                    : section;
            throw plan.places().error(field, e.problem());
        }
    }
}
