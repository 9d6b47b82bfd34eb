package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.io.Safetensors;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai run}: runs any model Bonsai can read on named input tensors and writes its
 * outputs, keyed by the graph's output names, so that engines can be compared.
 */
@Command(
        name = "run",
        header = "Run a model on named inputs and write its outputs (safetensors).",
        description = "Reads MODEL, feeds it the tensors of --input by graph input name (eval"
                + " mode, DJL's PyTorch engine) and writes every graph output to --out.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file.")
    private Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "Safetensors file with one tensor per graph input, by name.")
    private Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Safetensors file to write the outputs to.")
    private Path out;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public RunCommand() {
    }

    /**
     * Runs the model and writes the outputs atomically.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        try (PluginHost host = PluginHost.builder().build();
                Graph graph = ModelFiles.read(host, model);
                NDManager manager = NDManager.newBaseManager()) {
            NDList inputs = inputs(graph, Safetensors.read(input, manager));
            NDList outputs = new GraphExecutor(graph).forward(inputs);
            Map<String, NDArray> named = new LinkedHashMap<>();
            for (int k = 0; k < outputs.size(); k++) {
                named.put(graph.outputs().get(k).name(), outputs.get(k));
                printer.printf("%s %s%n", graph.outputs().get(k).name(), outputs.get(k).getShape());
            }
            Safetensors.write(named, out);
            printer.printf("wrote %s%n", out);
        }
        printer.flush();
        return 0;
    }

    private NDList inputs(Graph graph, Map<String, NDArray> tensors) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        NDList inputs = new NDList();
        for (Value v : graph.inputs()) {
            NDArray a = tensors.get(v.name());
            unexpected.remove(v.name());
            if (a == null) {
                problems.add("missing input '" + v.name() + "' " + v.shape());
            } else if (!a.getShape().equals(v.shape())) {
                problems.add("input '" + v.name() + "' is " + a.getShape() + ", the model expects "
                        + v.shape());
            } else {
                inputs.add(a);
            }
        }
        unexpected.forEach(u -> problems.add("unexpected tensor '" + u + "'"));
        if (!problems.isEmpty()) {
            throw new ModelFormatException("'" + input + "' does not fit model '" + model + "': "
                    + String.join("; ", problems));
        }
        return inputs;
    }
}
