package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.Map;

/**
 * How many channels a pruning ratio removes from layers whose channels a GroupNorm splits into
 * groups (channels are always removed alike in every norm group, so {@code num_groups} stays
 * valid).
 *
 * <pre>{@code
 * PruningConfig.Builder b = PruningConfig.builder().setImportance(criterion);
 * Map<String, ExactNormRatios.LayerRatio> report = GroupNormMode.EXACT.configure(b, graph, 0.3);
 * }</pre>
 */
public enum GroupNormMode {

    /**
     * Torch-Pruning's numbers (the default): each norm group keeps {@code int(c_per_group · (1 −
     * ratio))} channels, so with 4 channels per group, 30 % removes 2 of 4 (50 %).
     */
    TORCH_PRUNING,

    /**
     * The feasible ratio nearest to the one asked: each norm group loses {@code round(c_per_group
     * · ratio)} channels (at least one is kept), within one channel per norm group of the
     * request; {@link ExactNormRatios} reports the ratio each layer gets.
     */
    EXACT;

    /**
     * Sets a pruning config's ratio for a graph in this mode.
     *
     * @param builder the config being built
     * @param graph the graph, before pruning
     * @param ratio the ratio asked for
     * @return the ratio each layer next to a GroupNorm gets (empty in {@link #TORCH_PRUNING}
     *     mode, where the pruner's own rule applies)
     */
    public Map<String, ExactNormRatios.LayerRatio> configure(PruningConfig.Builder builder,
            Graph graph, double ratio) {
        builder.optRatio(ratio);
        if (this == TORCH_PRUNING) {
            return Map.of();
        }
        Map<String, ExactNormRatios.LayerRatio> report = ExactNormRatios.of(graph, ratio);
        ExactNormRatios.apply(builder, report);
        return report;
    }
}
