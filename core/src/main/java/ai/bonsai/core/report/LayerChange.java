package ai.bonsai.core.report;

import ai.bonsai.core.count.LayerCost;

/**
 * One layer of a pruning report, before and after pruning.
 *
 * @param before the layer before pruning
 * @param after the layer after pruning, or {@code null} if the run removed it
 */
public record LayerChange(LayerCost before, LayerCost after) {

    /**
     * Checks the layer.
     *
     * @throws IllegalArgumentException if {@code before} is missing or the names differ
     */
    public LayerChange {
        if (before == null) {
            throw new IllegalArgumentException("layer change: 'before' is required");
        }
        if (after != null && !after.name().equals(before.name())) {
            throw new IllegalArgumentException("layer change: before is '" + before.name()
                    + "' but after is '" + after.name() + "'");
        }
    }

    /**
     * Returns the layer's name.
     *
     * @return the node name
     */
    public String name() {
        return before.name();
    }

    /**
     * Returns the layer's output channels after pruning (0 if removed).
     *
     * @return channels
     */
    public int outChannelsAfter() {
        return after == null ? 0 : after.outChannels();
    }

    /**
     * Returns the layer's MACs after pruning (0 if removed).
     *
     * @return MACs
     */
    public long macsAfter() {
        return after == null ? 0 : after.macs();
    }

    /**
     * Returns whether pruning changed the layer's width or cost.
     *
     * @return true if anything changed
     */
    public boolean changed() {
        return after == null || !after.equals(before);
    }
}
