package ai.bonsai.serve;

import java.util.Locale;

/** The life of a pruning job. */
public enum JobState {
    /** Accepted, waiting for a worker. */
    QUEUED,
    /** Being pruned. */
    RUNNING,
    /** Pruned; the model can be fetched. */
    DONE,
    /** Stopped by an error; nothing is kept. */
    FAILED,
    /** Cancelled by a client; nothing is kept. */
    CANCELLED;

    /**
     * Returns the state as the API writes it.
     *
     * @return {@code queued}, {@code running}, ...
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Tells whether the job has ended.
     *
     * @return true for done, failed and cancelled
     */
    public boolean isFinal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
