package ai.bonsai.core.embed;

/**
 * A flag a caller sets to stop a pruning run; the run checks it between calibration batches,
 * pruning groups and steps, then frees its working copy and throws {@link CancelledException}.
 * Thread-safe.
 *
 * <pre>{@code
 * Cancellation cancel = new Cancellation();
 * executor.submit(() -> bonsai.prune(model, plan, ProgressListener.NONE, cancel));
 * cancel.cancel();
 * }</pre>
 */
public final class Cancellation {

    private volatile boolean cancelled;

    /** Creates a flag that is not set. */
    public Cancellation() {
    }

    /**
     * Returns a flag nobody sets.
     *
     * @return a new flag
     */
    public static Cancellation none() {
        return new Cancellation();
    }

    /** Asks the run to stop. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Tells whether the run was asked to stop.
     *
     * @return true once {@link #cancel} was called
     */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Throws if the run was asked to stop.
     *
     * @throws CancelledException if cancelled
     */
    void check() {
        if (cancelled) {
            throw new CancelledException();
        }
    }
}
