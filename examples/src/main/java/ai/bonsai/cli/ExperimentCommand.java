package ai.bonsai.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bonsai experiment}: the group of accuracy experiments; without one it prints its usage. */
@Command(
        name = "experiment",
        header = "Run an accuracy experiment (prune, fine-tune, measure).",
        subcommands = FashionMnistCommand.class)
public final class ExperimentCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills it in). */
    public ExperimentCommand() {
    }

    /** Prints the usage, which lists the experiments. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
