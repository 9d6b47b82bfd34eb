package ai.bonsai.examples;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.importance.BnScaleImportance;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.BnScaleRegularizer;
import ai.bonsai.core.pruner.BudgetSearch;
import ai.bonsai.core.pruner.GroupNormRegularizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One row of the experiment: how the trained base model is sparse-trained (optionally) and
 * pruned. The experiment hands the config, with a MACs budget added, to {@link BudgetSearch}
 * (MetaPruner, ratio found by bisection) and fine-tunes every variant for the same number of
 * epochs.
 *
 * <pre>{@code
 * PruningConfig config = PruningConfig.builder().setImportance(new MagnitudeImportance())
 *         .optIgnoredLayers(List.of("fc")).build();
 * Regularizer regularizer = new GroupNormRegularizer(5e-3, 16, false);
 * Variant groupNorm = new Variant("group-norm", "group lasso, reg 5e-3", config,
 *         Optional.of(graph -> regularizer.regularize(graph, config)));
 * }</pre>
 *
 * @param name the row's name in the table
 * @param description how it sparse-trains and scores channels, for the text under the table
 * @param config the pruner's settings, without ratio or budget
 * @param sparseTraining the hook of the sparse-training phase, run before pruning; empty for
 *     none
 */
public record Variant(String name, String description, PruningConfig config,
        Optional<SparseTraining> sparseTraining) {

    /** The classifier, never pruned (its outputs are the classes). */
    static final List<String> IGNORED = List.of("fc");

    /**
     * BN-scale L1 coefficient: {@link BnScaleRegularizer}'s default 1e-5 is made for the ~100
     * epochs of sparse training of Network Slimming; over this experiment's short phase it would
     * move no scale measurably (see {@link #bnScale()}).
     */
    static final double BN_SCALE_REG = 1e-2;
    /** Group-lasso coefficient: {@link GroupNormRegularizer}'s default 1e-4, scaled likewise. */
    static final double GROUP_NORM_REG = 5e-3;

    /**
     * Returns the L2-magnitude variant: local ranking, one step, no sparse training.
     *
     * @return the variant
     */
    public static Variant magnitude() {
        return new Variant("magnitude (L2)", "`magnitude` (L2) criterion, no sparse training",
                config(new MagnitudeImportance()), Optional.empty());
    }

    /**
     * Returns Network Slimming's variant: sparse training with {@link BnScaleRegularizer} (L1 on
     * every batch-norm scale, {@link #BN_SCALE_REG}), then pruning by {@link BnScaleImportance}.
     *
     * @return the variant
     */
    public static Variant bnScale() {
        PruningConfig config = config(new BnScaleImportance());
        Regularizer regularizer = new BnScaleRegularizer(BN_SCALE_REG, false);
        return new Variant("bnscale (sparse)", String.format(Locale.ROOT,
                "sparse training with `BnScaleRegularizer` (L1 on every BN γ, reg %s), then the"
                        + " `bnscale` criterion (|γ|)", BN_SCALE_REG),
                config, Optional.of(graph -> regularizer.regularize(graph, config)));
    }

    /**
     * Returns DepGraph's variant (Torch-Pruning's {@code GroupNormPruner}): sparse training with
     * {@link GroupNormRegularizer} ({@link #GROUP_NORM_REG}, alpha 16) scored by group L2
     * magnitude, then pruning by the same group magnitude.
     *
     * @return the variant
     */
    public static Variant groupNorm() {
        PruningConfig config = config(new MagnitudeImportance());
        Regularizer regularizer = new GroupNormRegularizer(GROUP_NORM_REG, 16, false);
        return new Variant("group-norm (sparse)", String.format(Locale.ROOT,
                "sparse training with `GroupNormRegularizer` (DepGraph's group lasso, reg %s,"
                        + " alpha 16), then the group `magnitude` (L2) criterion", GROUP_NORM_REG),
                config, Optional.of(graph -> regularizer.regularize(graph, config)));
    }

    /**
     * Returns the variants of the default run, in table order.
     *
     * @return magnitude, bnscale, group-norm
     */
    public static List<Variant> defaults() {
        return List.of(magnitude(), bnScale(), groupNorm());
    }

    private static PruningConfig config(ImportanceCriterion criterion) {
        return PruningConfig.builder().setImportance(criterion).optIgnoredLayers(IGNORED).build();
    }
}
