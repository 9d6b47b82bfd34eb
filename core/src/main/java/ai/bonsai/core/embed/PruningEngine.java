package ai.bonsai.core.embed;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.plan.PlanException;
import ai.bonsai.core.plan.PlanResolver;
import ai.bonsai.core.plan.PruningPlan;
import ai.bonsai.core.pruner.BudgetResult;
import ai.bonsai.core.pruner.BudgetSearch;
import ai.bonsai.core.pruner.KeptChannels;
import ai.bonsai.core.pruner.OutputClassifiers;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One pruning run: copies the model, calibrates the criterion, searches a budget's ratio, prunes
 * step by step, and hands the pruned copy back. A failed or cancelled run closes its copy.
 */
final class PruningEngine {

    private final PlanResolver resolver;
    private final BiFunction<BonsaiModel, Graph, BonsaiModel> wrap;
    private final Supplier<List<LanguageModel>> languageModels;

    /**
     * Creates an engine.
     *
     * @param resolver resolves the plan's extensions
     * @param wrap turns the pruned graph of a model into a model owned by the facade
     * @param languageModels the host's language-model extensions, which read token calibration
     *     files
     */
    PruningEngine(PlanResolver resolver, BiFunction<BonsaiModel, Graph, BonsaiModel> wrap,
            Supplier<List<LanguageModel>> languageModels) {
        this.resolver = resolver;
        this.wrap = wrap;
        this.languageModels = languageModels;
    }

    PruningResult run(BonsaiModel model, PruningPlan plan, ProgressListener listener,
            Cancellation cancel) {
        long start = System.nanoTime();
        resolver.validate(plan);
        cancel.check();
        Graph graph = model.copyGraph();
        Graph[] pruning = {graph};
        try (NDManager manager = NDManager.newBaseManager()) {
            long copied = System.nanoTime();
            ImportanceCriterion criterion = resolver.criterion(plan);
            List<String> ignored = new ArrayList<>(plan.pruner().ignoredLayers());
            List<String> classifiers = plan.pruner().pruneClassifier() ? List.of()
                    : new ArrayList<>(new TreeSet<>(OutputClassifiers.find(graph)));
            ignored.addAll(classifiers);
            PruningConfig config = resolver.config(plan, criterion, classifiers);
            List<NDList> batches = CalibrationData.batches(graph, plan.calibration(),
                    model.origin(), languageModels.get(), manager);
            Calibration calibration = new Calibration(criterion, batches, listener, cancel);
            config = withSearchedRatio(model, config, listener, cancel);
            long searched = System.nanoTime();
            ModelCost before = OpCounter.count(graph);
            PruningRun run = start(plan, graph, config, batches);
            pruning[0] = run.rebuilt().orElse(graph);
            Map<String, ModelCost> layersBefore = OpCounter.countByNode(pruning[0]);
            KeptChannels kept = KeptChannels.of(pruning[0]);
            List<PrunedGroup> groups = prune(plan.pruner().name(), run, pruning, kept,
                    calibration, listener, cancel);
            Graph result = pruning[0];
            if (result != graph) {
                graph.close();
            }
            ModelCost after = OpCounter.count(result);
            long pruned = System.nanoTime();
            List<LayerChange> layers = new ArrayList<>();
            kept.pruned().forEach((name, idxs) -> layers.add(new LayerChange(name,
                    result.node(name).op().name(), kept.initialOutChannels(name), idxs,
                    layersBefore.get(name), OpCounter.count(result.node(name)))));
            long calibrating = calibration.nanos();
            Timings timings = new Timings(millis(start, copied), calibrating / 1_000_000,
                    millis(copied, searched), millis(searched, pruned) - calibrating / 1_000_000,
                    millis(start, pruned));
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("importance", plan.importance().name());
            settings.put("ratio", String.valueOf(config.ratio()));
            settings.put("global_pruning", String.valueOf(config.globalPruning()));
            settings.put("ignored_layers", String.join(",", ignored));
            return new PruningResult(wrap.apply(model, result), plan.importance().name(),
                    config.ratio(), ignored, before, after, layers, groups, timings, settings);
        } catch (RuntimeException | Error e) {
            if (pruning[0] != graph) {
                pruning[0].close();
            }
            graph.close();
            throw e;
        }
    }

    /**
     * Starts the plan's pruner; a configuration problem it finds in the model (a layer range
     * beyond the model's layers, say) is placed at the plan's field.
     */
    private PruningRun start(PruningPlan plan, Graph graph, PruningConfig config,
            List<NDList> batches) {
        Pruner pruner = resolver.pruner(plan);
        try {
            return pruner.start(graph, config, batches);
        } catch (PlanException e) {
            throw e;
        } catch (ConfigException e) {
            String key = e.field().startsWith("pruner.") ? e.field().substring(7) : "";
            boolean declared = pruner.parameters().stream().anyMatch(d -> d.name().equals(key));
            throw plan.places().error(declared ? "pruner.parameters." + key : e.field(),
                    e.problem());
        }
    }

    /**
     * Feeds the calibration batches to a calibrated criterion before each step (after resetting
     * it from the second step on: the graph it saw has been pruned).
     */
    private static final class Calibration {
        private final ImportanceCriterion criterion;
        private final List<NDList> batches;
        private final ProgressListener listener;
        private final Cancellation cancel;
        private long nanos;
        private boolean fed;

        Calibration(ImportanceCriterion criterion, List<NDList> batches, ProgressListener listener,
                Cancellation cancel) {
            this.criterion = criterion;
            this.batches = batches;
            this.listener = listener;
            this.cancel = cancel;
        }

        void beforeStep(Graph graph) {
            if (!(criterion instanceof CalibratedCriterion) || batches.isEmpty()) {
                return;
            }
            long start = System.nanoTime();
            CalibratedCriterion calibrated = (CalibratedCriterion) criterion;
            if (fed) {
                calibrated.reset();
            }
            for (int b = 0; b < batches.size(); b++) {
                cancel.check();
                calibrated.accumulate(graph, batches.get(b));
                listener.progress(new Progress("calibrate", b + 1, batches.size()));
            }
            fed = true;
            nanos += System.nanoTime() - start;
        }

        long nanos() {
            return nanos;
        }
    }

    private static PruningConfig withSearchedRatio(BonsaiModel model, PruningConfig config,
            ProgressListener listener, Cancellation cancel) {
        if (config.budget().isEmpty()) {
            return config;
        }
        cancel.check();
        listener.progress(new Progress("search", 0, 1));
        BudgetResult found = BudgetSearch.search(model::copyGraph, config);
        found.graph().close();
        listener.progress(new Progress("search", 1, 1));
        return config.toBuilder().optBudget(null).optRatio(found.ratio()).build();
    }

    private static List<PrunedGroup> prune(String pruner, PruningRun run, Graph[] pruning,
            KeptChannels kept,
            Calibration calibration, ProgressListener listener, Cancellation cancel) {
        List<PrunedGroup> groups = new ArrayList<>();
        for (int step = 1; run.hasNextStep(); step++) {
            cancel.check();
            calibration.beforeStep(pruning[0]);
            for (Iterator<Group> it = run.stepInteractive(); it.hasNext(); ) {
                Group g = it.next();
                cancel.check();
                kept.record(g);
                groups.add(new PrunedGroup(step, g.root().node().name(),
                        g.root().idxs().size(), g.members().stream().map(m -> m.node().name())
                                .distinct().collect(Collectors.toList())));
                g.prune();
            }
            Graph now = run.rebuilt().orElse(pruning[0]);
            if (now != pruning[0]) {
                throw new PruningException("the run of pruner '" + pruner + "' rebuilt the graph"
                        + " during step " + step + "; runs rebuild it only when they start");
            }
            listener.progress(new Progress("prune", step, run.steps()));
        }
        return groups;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
