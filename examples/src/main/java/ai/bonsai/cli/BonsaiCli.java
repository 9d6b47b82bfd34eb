package ai.bonsai.cli;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code bonsai} command: structural pruning from the command line.
 *
 * <p>Without a subcommand it prints its usage, which points to {@code bonsai demo}. Exit
 * status: 0 on success, 1 when the work fails, 2 on a usage or configuration error (unknown
 * option, bad value, unknown extension name). An error prints one line to stderr;
 * {@code --verbose} adds the stack trace. Every command takes {@code --help}, {@code --quiet}
 * (no progress bars) and {@code --plugins DIR} (a further plugin folder, repeatable).
 *
 * <pre>{@code
 * bonsai demo --seed 7
 * }</pre>
 */
@Command(
        name = "bonsai",
        description = "Structural pruning of neural networks on the JVM (DepGraph on DJL).",
        subcommands = {DemoCommand.class, PruneCommand.class, PlanCommand.class, RunCommand.class,
                InspectCommand.class, BenchCommand.class, ExperimentCommand.class,
                PluginsCommand.class, ServeCommand.class,
                SampleCommand.class, DetectCommand.class, GenerateCommand.class,
                EvalCommand.class},
        footer = {"", "Start with 'bonsai demo': it prunes half the channels of ResNet-18 and"
                + " shows what changed."})
public final class BonsaiCli implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error.")
    private boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Show no progress bars (they appear only on a terminal anyway).")
    private boolean quiet;

    @Option(names = "--plugins", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "A further folder of plugin jars (repeatable; BONSAI_PLUGINS adds more).")
    private List<Path> pluginDirs = new ArrayList<>();

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public BonsaiCli() {
    }

    /**
     * Runs the tool with DJL offline and exits with the command's status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }

    /**
     * Runs the tool, writing to the given streams.
     *
     * @param out standard output
     * @param err standard error
     * @param args the command line
     * @return the exit status: 0 on success, 1 when the work fails, 2 on a usage or
     *     configuration error
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        BonsaiCli cli = new BonsaiCli();
        CommandLine cmd = new CommandLine(cli);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(cli::report);
        int status = cmd.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /**
     * Returns whether {@code --quiet} was given.
     *
     * @return true if progress bars are off
     */
    boolean quiet() {
        return quiet;
    }

    /**
     * Returns the folders given with {@code --plugins}.
     *
     * @return the folders, in order
     */
    List<Path> pluginDirs() {
        return List.copyOf(pluginDirs);
    }

    /** Prints the usage, which points to {@code bonsai demo}. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private int report(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (verbose) {
            e.printStackTrace(err);
        } else if (e instanceof BonsaiException) {
            err.println("bonsai: " + e.getMessage());
        } else {
            err.println("bonsai: unexpected " + e + " (run with --verbose for the stack trace)");
        }
        return e instanceof ConfigException ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
    }
}
