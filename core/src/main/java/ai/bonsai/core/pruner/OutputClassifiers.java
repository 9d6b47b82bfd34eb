package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the classifier layers: the {@code linear} nodes whose output reaches a graph output
 * through parameter-free nodes only (reshapes, activations, softmax). Torch-Pruning's examples
 * ignore these layers ({@code ignored_layers=[model.fc]}), and Bonsai's command line does so by
 * default, so that the number of classes never changes.
 */
public final class OutputClassifiers {

    private OutputClassifiers() {
    }

    /**
     * Returns the classifier layers of a graph.
     *
     * @param graph the graph
     * @return the node names, in the order of the outputs they feed
     */
    public static Set<String> find(Graph graph) {
        Set<String> found = new LinkedHashSet<>();
        Set<Node> seen = new HashSet<>();
        Deque<Value> todo = new ArrayDeque<>(graph.outputs());
        while (!todo.isEmpty()) {
            Optional<Node> producer = todo.poll().producer();
            if (producer.isEmpty() || !seen.add(producer.get())) {
                continue;
            }
            Node n = producer.get();
            if ("linear".equals(n.op().name())) {
                found.add(n.name());
            } else if (n.parameters().isEmpty()) {
                todo.addAll(n.inputs());
            }
        }
        return found;
    }
}
