package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.importance.BnScaleImportance;
import ai.bonsai.core.importance.FpgmImportance;
import ai.bonsai.core.importance.LampImportance;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.importance.TaylorImportance;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Locale;

/**
 * The settings of the reference files ({@code MODEL__TAG.json}): Torch-Pruning 1.6's criterion,
 * ranking and ratio, as a Bonsai config. All prune 50 % in one step and ignore the classifier.
 */
public enum TorchPruningSetting {
    /** Magnitude p = 1, local. */
    L1_LOCAL50,
    /** Magnitude p = 2, local. */
    L2_LOCAL50,
    /** Magnitude p = 2, global. */
    L2_GLOBAL50,
    /** First-order Taylor on the gradients of the sum of the outputs, local. */
    TAYLOR_LOCAL50,
    /** Batch-norm scale, local. */
    BNSCALE_LOCAL50,
    /** LAMP, global. */
    LAMP_GLOBAL50,
    /** FPGM, local. */
    FPGM_LOCAL50;

    /**
     * Returns the tag as written in the reference file names.
     *
     * @return such as {@code l2_global50}
     */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Builds the config for a fixture's graph (Taylor's gradients are taken here, of the sum of
     * the graph's output on the fixture's input).
     *
     * @param g the graph with the fixture's weights
     * @param fixture the fixture name
     * @param classifier the ignored classifier
     * @return the config
     */
    public PruningConfig config(Graph g, String fixture, String classifier) {
        return config(g, g, fixture, classifier);
    }

    /**
     * Builds the config for a graph whose gradients come from another graph with the same
     * parameters (a twin that prunes like Torch-Pruning but computes another function).
     *
     * @param g the graph to prune
     * @param gradients the graph whose gradients Taylor records
     * @param fixture the fixture name
     * @param classifier the ignored classifier
     * @return the config
     */
    public PruningConfig config(Graph g, Graph gradients, String fixture, String classifier) {
        return PruningConfig.builder()
                .setImportance(criterion(gradients, fixture))
                .optRatio(0.5)
                .optGlobalPruning(tag().contains("global"))
                .optIgnoredLayers(List.of(classifier))
                .build();
    }

    private ImportanceCriterion criterion(Graph g, String fixture) {
        switch (this) {
            case L1_LOCAL50:
                return MagnitudeImportance.builder().optP(1).build();
            case TAYLOR_LOCAL50:
                TaylorImportance taylor = TaylorImportance.builder().build();
                try (NDManager m = NDManager.newBaseManager()) {
                    taylor.accumulate(g, new NDList(Fixtures.input(fixture, m)));
                }
                return taylor;
            case BNSCALE_LOCAL50:
                return BnScaleImportance.builder().build();
            case LAMP_GLOBAL50:
                return LampImportance.builder().build();
            case FPGM_LOCAL50:
                return FpgmImportance.builder().build();
            default:
                return new MagnitudeImportance();
        }
    }
}
