package ai.bonsai.cli;

import ai.bonsai.core.embed.Progress;

/**
 * Shows an embedding run's progress events ({@code calibrate}, {@code prune}, …) as one
 * terminal progress bar per phase; shows nothing when the bars are off.
 */
final class PhaseBars implements AutoCloseable {

    private final ProgressBars bars;
    private ProgressBars.Bar current;
    private String phase;
    private int done;

    PhaseBars(ProgressBars bars) {
        this.bars = bars;
    }

    /**
     * Moves the bar of the event's phase to the event's count, starting it on a new phase.
     *
     * @param p the progress event
     */
    synchronized void update(Progress p) {
        if (!p.phase().equals(phase)) {
            close();
            current = bars.start(p.phase(), p.total());
            phase = p.phase();
            done = 0;
        }
        while (done < p.done()) {
            current.step();
            done++;
        }
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
            phase = null;
        }
    }
}
