package ai.bonsai.core.io;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.graph.DefaultParameter;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads weights into a graph by parameter name, strictly: every parameter must be present with
 * its exact shape and type, and the file must hold nothing else (as PyTorch's strict
 * {@code load_state_dict}). A torchvision state_dict exported to safetensors loads 1:1 into the
 * vision plugin's graphs.
 */
public final class WeightLoader {

    private WeightLoader() {
    }

    /**
     * Loads a safetensors file into a graph.
     *
     * @param graph the graph (Bonsai's in-memory implementation)
     * @param file the safetensors file
     * @throws ModelFormatException listing missing, unexpected and mismatched tensors
     */
    public static void load(Graph graph, Path file) {
        DefaultGraph g = (DefaultGraph) graph;
        try (NDManager scratch = g.manager().newSubManager()) {
            load(graph, Safetensors.read(file, scratch), file.toString());
        }
    }

    /**
     * Loads tensors already in memory into a graph, with the same strict checks. On success the
     * arrays are attached to the graph's manager and owned by the graph; on failure they are left
     * with their manager.
     *
     * @param graph the graph (Bonsai's in-memory implementation)
     * @param tensors the tensors by full parameter name
     * @param source how to name the tensors' origin in errors (a file name)
     * @throws ModelFormatException listing missing, unexpected and mismatched tensors
     */
    public static void load(Graph graph, Map<String, NDArray> tensors, String source) {
        DefaultGraph g = (DefaultGraph) graph;
        List<String> problems = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        for (Node n : graph.nodes()) {
            for (Parameter p : n.parameters().values()) {
                NDArray a = tensors.get(p.name());
                unexpected.remove(p.name());
                if (a == null) {
                    problems.add("missing '" + p.name() + "' " + p.shape());
                } else if (!a.getShape().equals(p.shape()) || a.getDataType() != p.dataType()) {
                    problems.add("'" + p.name() + "' is " + a.getDataType() + " " + a.getShape()
                            + " in the file, the graph expects " + p.dataType() + " " + p.shape());
                }
            }
        }
        unexpected.forEach(u -> problems.add("unexpected '" + u + "'"));
        if (!problems.isEmpty()) {
            throw new ModelFormatException("cannot load '" + source + "' into graph '"
                    + graph.name() + "': " + String.join("; ", problems));
        }
        for (Node n : graph.nodes()) {
            for (Parameter p : n.parameters().values()) {
                NDArray a = tensors.get(p.name());
                a.attach(g.manager());
                ((DefaultParameter) p).replace(a);
            }
        }
        g.refresh();
    }
}
