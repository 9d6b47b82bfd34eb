package ai.bonsai.api.op;

/** How a node's input channels relate to its output channels. */
public enum Coupling {
    /**
     * Inputs and outputs have separate channel spaces (conv, linear): pruning one side does not
     * force the other.
     */
    INDEPENDENT,
    /**
     * One shared channel space (element-wise ops, norms, pooling, depthwise conv, concat,
     * flatten): pruning any side prunes all, through each slot's {@link IndexMapping}.
     */
    COUPLED,
    /** Channels cannot be pruned through this node: every group reaching it is refused. */
    OPAQUE
}
