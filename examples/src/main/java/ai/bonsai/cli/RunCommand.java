package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.io.NamedInputs;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
                + " mode, DJL's PyTorch engine) and writes every graph output to --out. A tensor"
                + " whose first dimension is a multiple of the input's runs batch by batch. A model"
                + " built from a config (a Hugging Face folder) is built for the inputs' shapes.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file.")
    private Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "Safetensors file with one tensor per graph input, by name.")
    private Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Safetensors file to write the outputs to.")
    private Path out;

    @Mixin
    private InputShapeOptions inputShapes;

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
        try (PluginHost host = PluginHosts.open(spec);
                NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = Safetensors.read(input, manager);
            Map<String, Shape> shapes = inputShapes.shapes(spec.commandLine());
            if (shapes.isEmpty() && buildsForInputShapes(host)) {
                tensors.forEach((name, t) -> shapes.put(name, t.getShape()));
            }
            try (Graph graph = ModelFiles.read(host, model, shapes)) {
                run(printer, graph, tensors);
            }
        }
        printer.flush();
        return 0;
    }

    /**
     * Tells whether the model's format builds its graph for the input shapes (a Hugging Face
     * decoder folder); a missing model is left to {@link ModelFiles#read} to report.
     */
    private boolean buildsForInputShapes(PluginHost host) {
        return Files.exists(model) && ModelFiles.formatFor(host, model).buildsForInputShapes();
    }

    private void run(PrintWriter printer, Graph graph, Map<String, NDArray> tensors) {
        NDList outputs = new NDList();
        for (NDList batch : NamedInputs.batches(graph, tensors, input)) {
            outputs = append(outputs, new GraphExecutor(graph).forward(batch));
        }
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (int k = 0; k < outputs.size(); k++) {
            named.put(graph.outputs().get(k).name(), outputs.get(k));
            printer.printf("%s %s%n", graph.outputs().get(k).name(), outputs.get(k).getShape());
        }
        Safetensors.write(named, out);
        printer.printf("wrote %s%n", out);
    }

    private static NDList append(NDList sofar, NDList batch) {
        if (sofar.isEmpty()) {
            return batch;
        }
        NDList joined = new NDList(batch.size());
        for (int k = 0; k < batch.size(); k++) {
            joined.add(sofar.get(k).concat(batch.get(k)));
        }
        return joined;
    }
}
