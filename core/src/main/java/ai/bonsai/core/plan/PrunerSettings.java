package ai.bonsai.core.plan;

import ai.bonsai.api.pruner.PruningBudget;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plan's {@code pruner} section: which pruner runs, and how far and where it prunes.
 *
 * @param name the pruner's registry name ({@code meta})
 * @param ratio the fraction of channels removed from each group by the last step, in [0, 1)
 * @param budget a params or MACs target that replaces {@code ratio} (the ratio is searched)
 * @param ratios ratios by node name pattern (globs), first match wins
 * @param ignoredLayers node name patterns (globs) whose output channels are kept
 * @param pruneClassifier also prune the output channels of the layers producing the outputs
 * @param global rank the channels of all groups together
 * @param steps the number of iterative steps, at least 1
 * @param schedule the fractions of the ratio reached after each step (empty: linear)
 * @param roundTo channels left are rounded down to a multiple of this
 * @param maxPruningRatio no layer loses more than this fraction of its channels
 * @param isomorphic rank groups only against groups of the same structure
 * @param heads attention head options
 * @param parameters the pruner's own parameters as written ({@code pruner.parameters}), checked
 *     against what the pruner declares
 */
public record PrunerSettings(
        String name,
        double ratio,
        Optional<PruningBudget> budget,
        Map<String, Double> ratios,
        List<String> ignoredLayers,
        boolean pruneClassifier,
        boolean global,
        int steps,
        List<Double> schedule,
        int roundTo,
        double maxPruningRatio,
        boolean isomorphic,
        HeadSettings heads,
        Map<String, Object> parameters) {

    /**
     * Copies the collections.
     */
    public PrunerSettings {
        ratios = Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
        ignoredLayers = List.copyOf(ignoredLayers);
        schedule = List.copyOf(schedule);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }
}
