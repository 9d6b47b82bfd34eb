package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link GroupNormMode#EXACT} as per-layer ratios for Bonsai's pruner: for every convolution or
 * linear layer whose output reaches a GroupNorm (through element-wise ops, reshapes, concats,
 * padding and upsampling, before any other convolution or linear layer), the ratio that makes
 * the pruner's {@code int(c_per_group · (1 − r))} equal {@code c_per_group − round(c_per_group ·
 * ratio)}. Layers without a norm keep the plain ratio.
 *
 * <pre>{@code
 * Map<String, ExactNormRatios.LayerRatio> report = ExactNormRatios.of(graph, 0.3);
 * PruningConfig config = ExactNormRatios.apply(PruningConfig.builder().optRatio(0.3), report)
 *         .setImportance(criterion).build();
 * }</pre>
 */
public final class ExactNormRatios {

    /**
     * The ratio one layer gets.
     *
     * @param layer the node name
     * @param requested the ratio asked for
     * @param achieved the share of its channels it loses
     * @param channels its output channels
     * @param normGroups the norm groups its channels are split into
     * @param removedPerGroup the channels each norm group loses
     */
    public record LayerRatio(String layer, double requested, double achieved, int channels,
            int normGroups, int removedPerGroup) {

        /**
         * Returns the ratio to give Bonsai's pruner for this layer: halfway inside the interval
         * whose truncation keeps the wanted channels per group, so rounding cannot move it.
         *
         * @return the pruner ratio
         */
        public double prunerRatio() {
            int perGroup = channels / normGroups;
            return 1 - (perGroup - removedPerGroup + 0.5) / perGroup;
        }
    }

    private ExactNormRatios() {
    }

    /**
     * Computes the exact-mode ratio of every layer next to a GroupNorm.
     *
     * @param graph the graph as it is before pruning
     * @param ratio the ratio asked for, in [0, 1)
     * @return by layer name, in graph order
     */
    public static Map<String, LayerRatio> of(Graph graph, double ratio) {
        Map<String, LayerRatio> out = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (!isLayer(n)) {
                continue;
            }
            int channels = Math.toIntExact(n.parameter("weight").shape().get(0));
            normGroups(n).ifPresent(groups -> {
                int perGroup = channels / groups;
                int removed = (int) Math.min(Math.round(perGroup * ratio), perGroup - 1);
                out.put(n.name(), new LayerRatio(n.name(), ratio, (double) removed / perGroup,
                        channels, groups, removed));
            });
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Adds each layer's pruner ratio to a config builder.
     *
     * @param builder the builder
     * @param ratios the layers' ratios
     * @return the builder
     */
    public static PruningConfig.Builder apply(PruningConfig.Builder builder, Map<String, LayerRatio> ratios) {
        ratios.values().forEach(r -> builder.optRatio(r.layer(), r.prunerRatio()));
        return builder;
    }

    private static boolean isLayer(Node n) {
        String op = n.op().name();
        return op.equals("conv2d") || op.equals("linear");
    }

    /** The largest group count of the GroupNorms a layer's output reaches before another layer. */
    private static Optional<Integer> normGroups(Node layer) {
        Deque<Value> pending = new ArrayDeque<>(layer.outputs());
        Set<Node> seen = new HashSet<>();
        int groups = 0;
        while (!pending.isEmpty()) {
            for (Node c : pending.pop().consumers()) {
                if (isLayer(c) || !seen.add(c)) {
                    continue;
                }
                if (c.op().name().equals("group_norm")) {
                    groups = Math.max(groups, c.attributes().getInt("num_groups"));
                } else {
                    pending.addAll(c.outputs());
                }
            }
        }
        return groups > 0 ? Optional.of(groups) : Optional.empty();
    }
}
