package ai.bonsai.api.prune;

import ai.bonsai.api.BonsaiException;

/**
 * Thrown when a pruning request cannot be carried out: an index out of range, a group that would
 * leave a node with zero channels, channels coupled through an op that cannot be pruned.
 */
public class PruningException extends BonsaiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception whose message names the node and handle at fault.
     *
     * @param message the message
     */
    public PruningException(String message) {
        super(message);
    }
}
