package ai.bonsai.core.embed;

/**
 * Receives the progress of a pruning run. Called on the run's thread; keep it quick.
 *
 * <pre>{@code
 * bonsai.prune(model, plan, p -> log.info("{} {}/{}", p.phase(), p.done(), p.total()),
 *         Cancellation.none());
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = p -> { };

    /**
     * Reports progress.
     *
     * @param progress the phase and how far it is
     */
    void progress(Progress progress);
}
