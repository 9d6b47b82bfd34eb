package ai.bonsai.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Model.CommandSpec;

/**
 * ProgressBars bars on standard error for long work, shown only when the tool runs on a terminal
 * and {@code --quiet} is not given; otherwise every bar is a no-op, so redirected output and
 * tests see none.
 *
 * <pre>{@code
 * try (ProgressBars.Bar bar = ProgressBars.of(spec).start("calibrate", batches)) {
 *     for (...) { ...; bar.step(); }
 * }
 * }</pre>
 */
final class ProgressBars {

    private final boolean shown;

    private ProgressBars(boolean shown) {
        this.shown = shown;
    }

    /**
     * Returns the progress policy of the running command: bars on a terminal, none with
     * {@code --quiet}.
     *
     * @param spec the running command's spec
     * @return the policy
     */
    static ProgressBars of(CommandSpec spec) {
        boolean quiet = spec.root().userObject() instanceof BonsaiCli cli && cli.quiet();
        return new ProgressBars(!quiet && System.console() != null);
    }

    /**
     * Returns whether bars are shown.
     *
     * @return true on a terminal without {@code --quiet}
     */
    boolean shown() {
        return shown;
    }

    /**
     * Starts a bar.
     *
     * @param task what is being done
     * @param total how many steps the work has
     * @return the bar (a no-op where bars are not shown)
     */
    Bar start(String task, long total) {
        if (!shown) {
            return new Bar(null);
        }
        return new Bar(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).clearDisplayOnFinish()
                .build());
    }

    /** One bar; closing it removes it from the terminal. */
    static final class Bar implements AutoCloseable {

        private final ProgressBar bar;

        private Bar(ProgressBar bar) {
            this.bar = bar;
        }

        /** Advances the bar by one step. */
        void step() {
            if (bar != null) {
                bar.step();
            }
        }

        /**
         * Shows a short message after the bar.
         *
         * @param message the message
         */
        void message(String message) {
            if (bar != null) {
                bar.setExtraMessage(message);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
