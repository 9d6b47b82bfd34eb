package ai.bonsai.cli;

import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.PrunedGroup;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PlanBinder;
import ai.bonsai.core.plan.PruningPlan;
import ai.bonsai.core.plugin.PluginHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai plan}: works with pruning plans without writing anything.
 *
 * <pre>{@code
 * bonsai plan check examples/plans/onnx-magnitude-50.yaml
 * }</pre>
 */
@Command(
        name = "plan",
        header = "Work with pruning plans (docs/plan.md).",
        description = "Pruning plans are YAML or JSON files that say what to prune, how, and what"
                + " to write; 'bonsai prune --plan FILE' runs one.")
public final class PlanCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Creates the command. */
    public PlanCommand() {
    }

    /** Prints the usage: a subcommand is required. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Validates a plan, loads its model and prunes it in memory, printing the groups it would
     * prune and the predicted params and MACs; writes nothing.
     *
     * @param file the plan file
     * @return 0 when the plan is valid and prunes
     * @throws ai.bonsai.core.plan.PlanException for an invalid plan (exit status 2)
     */
    @Command(name = "check",
            header = "Validate a plan and predict what it prunes, writing nothing.",
            description = "Checks every field, extension name and parameter, loads the model,"
                    + " prunes it in memory and prints the groups it would prune and the params"
                    + " and MACs before and after. Exits with status 2 on a plan error.")
    int check(@Parameters(paramLabel = "PLAN", description = "The plan file (YAML or JSON).")
            Path file) {
        PrintWriter out = spec.commandLine().getOut();
        PruningPlan plan = PlanBinder.read(file);
        try (PluginHost host = PluginHosts.open(spec);
                Bonsai bonsai = Bonsai.builder().optPluginHost(host).optThreads(1).build()) {
            bonsai.validate(plan);
            try (BonsaiModel model = bonsai.load(plan);
                    PruningResult result = bonsai.prune(model, plan)) {
                out.printf("plan %s is valid: %s with %s, ratio %.4f%n", file, plan.pruner().name(),
                        result.criterion(), result.ratio());
                for (PrunedGroup g : result.groups()) {
                    out.printf("step %d  %-28s -%d channels, %d node(s)%n", g.step(), g.root(),
                            g.channels(), g.members().size());
                }
                print(out, "params", result.before().params(), result.after().params());
                print(out, "MACs", result.before().macs(), result.after().macs());
                out.println("nothing written (check only)");
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String what, long before, long after) {
        out.printf("%-8s %,15d -> %,15d predicted (%.2fx fewer)%n", what, before, after,
                (double) before / Math.max(1, after));
    }
}
