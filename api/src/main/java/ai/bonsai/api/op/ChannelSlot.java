package ai.bonsai.api.op;

/**
 * The channel dimension of one input or output slot of a node, and the mapping from that slot's
 * channel indices into the node's channel space.
 *
 * @param dim the channel dimension of the slot's tensor, or -1 if channels do not pass through
 *     this slot (a broadcast operand of size 1, a shape input)
 * @param mapping slot index to node-space index
 */
public record ChannelSlot(int dim, IndexMapping mapping) {

    /** A slot that does not carry prunable channels. */
    public static final ChannelSlot NONE = new ChannelSlot(-1, IndexMapping.IDENTITY);

    /**
     * A slot whose channels are the node's channels, one to one.
     *
     * @param dim the channel dimension
     * @return the slot
     */
    public static ChannelSlot at(int dim) {
        return new ChannelSlot(dim, IndexMapping.IDENTITY);
    }

    /**
     * Tells whether channels pass through this slot.
     *
     * @return true if {@code dim >= 0}
     */
    public boolean carriesChannels() {
        return dim >= 0;
    }
}
