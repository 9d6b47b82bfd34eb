package ai.bonsai.transformers;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Builds a graph with the tensors of a safetensors file as its parameters: every tensor is
 * supplied to the builder by name before the graph is built, and the build fails, naming the
 * file, when a tensor is missing, unexpected or of the wrong shape.
 */
final class StateDict {

    private StateDict() {
    }

    /**
     * Supplies a file's tensors and builds.
     *
     * @param file the safetensors file
     * @param builder a fresh builder
     * @param skip tensor names that are no parameter (buffers), skipped
     * @param nodes adds the graph's nodes to the builder and builds it
     * @return the graph
     * @throws ModelFormatException naming the file
     */
    static Graph load(Path file, GraphBuilder builder, Predicate<String> skip, Supplier<Graph> nodes) {
        Set<String> supplied = new TreeSet<>();
        for (Map.Entry<String, NDArray> e : Safetensors.read(file, builder.manager()).entrySet()) {
            if (skip.test(e.getKey())) {
                e.getValue().close();
            } else {
                builder.parameterValue(e.getKey(), e.getValue());
                supplied.add(e.getKey());
            }
        }
        Graph graph;
        try {
            graph = nodes.get();
        } catch (GraphException e) {
            throw new ModelFormatException("weights '" + file + "' do not fit the model: " + e.getMessage(), e);
        }
        Set<String> missing = new TreeSet<>(graph.parameters().keySet());
        missing.removeAll(supplied);
        if (!missing.isEmpty()) {
            graph.close();
            throw new ModelFormatException("weights '" + file + "' have no tensor " + missing);
        }
        return graph;
    }
}
