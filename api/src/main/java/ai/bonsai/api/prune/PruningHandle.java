package ai.bonsai.api.prune;

/** The two pruning handles every node has: its output channels and its input channels. */
public enum PruningHandle {
    /** Remove output channels (rows of a conv/linear weight). */
    PRUNE_OUT("prune_out_channels"),
    /** Remove input channels (columns of a conv/linear weight). */
    PRUNE_IN("prune_in_channels");

    private final String label;

    PruningHandle(String label) {
        this.label = label;
    }

    /**
     * Returns Torch-Pruning's name for the handle, used in group printouts.
     *
     * @return {@code prune_out_channels} or {@code prune_in_channels}
     */
    public String label() {
        return label;
    }
}
