package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * One row of the experiment: how the trained base model is sparse-trained (optionally) and
 * pruned. The experiment picks the ratio that halves the MACs and fine-tunes every variant for
 * the same number of epochs.
 *
 * <pre>{@code
 * Variant groupNorm = new Variant("group-norm (sparse training)", new GroupNormPruner(),
 *         ratio -> PruningConfig.builder().setImportance(new GroupNormImportance())
 *                 .optRatio(ratio).optIgnoredLayers(List.of("fc")).build(),
 *         Optional.of(graph -> regularizer.regularize(graph)));
 * }</pre>
 *
 * @param name the row's name in the table
 * @param pruner the pruner
 * @param config the pruner's settings for a ratio
 * @param sparseTraining the hook of the sparse-training phase, run before pruning; empty for
 *     none
 */
public record Variant(String name, Pruner pruner, DoubleFunction<PruningConfig> config,
        Optional<SparseTraining> sparseTraining) {

    /** The classifier, never pruned (its outputs are the classes). */
    static final List<String> IGNORED = List.of("fc");

    /**
     * Returns the L2-magnitude variant: MetaPruner, local ranking, one step, no sparse training.
     *
     * @return the variant
     */
    public static Variant magnitude() {
        return new Variant("magnitude (L2)", new MetaPruner(),
                ratio -> PruningConfig.builder().setImportance(new MagnitudeImportance())
                        .optRatio(ratio).optIgnoredLayers(IGNORED).build(),
                Optional.empty());
    }

    /**
     * Prunes a graph with this variant at a ratio, running every step of the schedule.
     *
     * @param graph the graph, pruned in place
     * @param ratio the pruning ratio
     */
    public void prune(Graph graph, double ratio) {
        PruningRun run = pruner.start(graph, config.apply(ratio));
        while (run.hasNextStep()) {
            run.step();
        }
    }
}
