package ai.bonsai.core.embed;

import ai.bonsai.core.count.ModelCost;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pruning run did, and the pruned model. Closing the result closes the model.
 *
 * @param model the pruned model, owned by this result
 * @param criterion the criterion's registry name
 * @param ratio the ratio pruned to (the searched one when the plan has a budget)
 * @param ignored the ignored node patterns, the output classifiers included
 * @param before params and MACs before pruning
 * @param after params and MACs after pruning
 * @param layers the pruned layers, in graph order
 * @param groups the pruned groups, in pruning order
 * @param timings where the time went
 * @param settings the settings to record as provenance in the saved model ({@code importance},
 *     {@code ratio}, {@code global_pruning}, {@code ignored_layers})
 */
public record PruningResult(
        BonsaiModel model,
        String criterion,
        double ratio,
        List<String> ignored,
        ModelCost before,
        ModelCost after,
        List<LayerChange> layers,
        List<PrunedGroup> groups,
        Timings timings,
        Map<String, String> settings) implements AutoCloseable {

    /**
     * Copies the lists.
     */
    public PruningResult {
        ignored = List.copyOf(ignored);
        layers = List.copyOf(layers);
        groups = List.copyOf(groups);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** Closes the pruned model. */
    @Override
    public void close() {
        model.close();
    }
}
