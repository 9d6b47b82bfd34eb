package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.prune.Group;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.OutputClassifiers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai inspect}: what Bonsai sees in a model file — inputs, outputs, op types, cost,
 * the prunable groups, and the nodes whose channels cannot be pruned through (opaque ops).
 */
@Command(
        name = "inspect",
        header = "Show a model's inputs, outputs, op types, cost, groups and opaque nodes.",
        description = "Reads MODEL and prints its inputs and outputs, the count of nodes per op"
                + " type, params and MACs, the number of prunable DepGraph groups (classifiers"
                + " ignored), and every opaque node: channels are never pruned through those.")
public final class InspectCommand implements Callable<Integer> {

    /** The attribute in which a format keeps an opaque node's original op type (ONNX's). */
    private static final String SOURCE_OP = "onnx_op_type";

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file.")
    private Path model;

    @Mixin
    private InputShapeOptions inputShapes;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public InspectCommand() {
    }

    /**
     * Reads the model and prints the summary.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PluginHost host = PluginHosts.open(spec);
                Graph graph = ModelFiles.read(host, model, inputShapes.shapes(spec.commandLine()))) {
            out.printf("model    %s (%d nodes)%n", model, graph.nodes().size());
            for (Value v : graph.inputs()) {
                out.printf("input    %s %s%n", v.name(), v.shape());
            }
            for (Value v : graph.outputs()) {
                out.printf("output   %s %s%n", v.name(), v.shape());
            }
            ModelCost cost = OpCounter.count(graph);
            out.printf("params   %,d%nMACs     %,d%n", cost.params(), cost.macs());
            Map<String, Long> ops = graph.nodes().stream().collect(Collectors.groupingBy(
                    n -> n.op().name(), TreeMap::new, Collectors.counting()));
            out.printf("ops      %s%n", ops.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
            Set<String> classifiers = OutputClassifiers.find(graph);
            int groups = 0;
            for (Group ignored : DependencyGraph.build(graph).getAllGroups(
                    n -> classifiers.contains(n.name()), n -> n.op().isDefaultRoot(n))) {
                groups++;
            }
            out.printf("groups   %d prunable (classifiers kept: %s)%n", groups, classifiers);
            List<Node> opaque = graph.nodes().stream()
                    .filter(n -> n.op().channels(n).coupling() == Coupling.OPAQUE)
                    .collect(Collectors.toList());
            out.printf("opaque   %d node(s): channels are not pruned through them%n", opaque.size());
            opaque.forEach(n -> out.printf("  %s (%s)%n", n.name(), n.attributes().find(SOURCE_OP)
                    .map(op -> n.op().name() + ": " + op).orElse(n.op().name())));
        }
        out.flush();
        return 0;
    }
}
