package ai.bonsai.core.embed;

import ai.bonsai.api.BonsaiException;

/** Thrown by a pruning run whose {@link Cancellation} was set; the run left nothing behind. */
public final class CancelledException extends BonsaiException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public CancelledException() {
        super("the pruning run was cancelled");
    }
}
