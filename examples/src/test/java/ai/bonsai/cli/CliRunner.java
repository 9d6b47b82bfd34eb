package ai.bonsai.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * Runs the {@code bonsai} command line in the test's process ({@link BonsaiCli#execute}) and keeps
 * what the runs printed, standard output and standard error apart, for the test to assert on.
 */
public final class CliRunner {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * Runs one command line.
     *
     * @param args the arguments, the command first
     * @return the exit code
     */
    public int run(String... args) {
        return BonsaiCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments, the command first
     * @return the exit code
     */
    public int run(List<String> args) {
        return run(args.toArray(new String[0]));
    }

    /**
     * Returns what the runs so far printed to standard output.
     *
     * @return the text
     */
    public String out() {
        return out.toString();
    }

    /**
     * Returns what the runs so far printed to standard error.
     *
     * @return the text
     */
    public String err() {
        return err.toString();
    }

    /** Forgets the standard output printed so far, so that the next run's stands alone. */
    public void clearOut() {
        out.getBuffer().setLength(0);
    }
}
