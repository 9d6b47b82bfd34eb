package ai.bonsai.core.plan;

import java.util.Map;

/**
 * The plan's {@code pruner.heads} section: attention heads of the layers whose outputs are heads
 * × head dimension, and how they are pruned.
 *
 * @param numHeads heads by node name pattern
 * @param pruneNumHeads remove whole heads (by {@code headRatio})
 * @param pruneHeadDims remove dimensions within every head (by the pruner's ratio)
 * @param headRatio the fraction of heads removed by the last step
 */
public record HeadSettings(
        Map<String, Integer> numHeads,
        boolean pruneNumHeads,
        boolean pruneHeadDims,
        double headRatio) {

    /** No heads declared: head dimensions pruned, no whole heads. */
    public static final HeadSettings NONE = new HeadSettings(Map.of(), false, true, 0);

    /**
     * Copies the map.
     */
    public HeadSettings {
        numHeads = Map.copyOf(numHeads);
    }
}
