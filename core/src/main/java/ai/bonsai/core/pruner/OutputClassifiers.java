package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelScoring;
import ai.bonsai.api.prune.PruningHandle;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.OptionalInt;
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
            if (isLinearLike(n)) {
                found.add(n.name());
            } else if (n.parameters().isEmpty()) {
                todo.addAll(n.inputs());
            }
        }
        return found;
    }

    /**
     * Tells whether a node is a classifier-like layer: a default root that reads features from
     * its input's last dimension and scores output channels as weight rows (a linear layer, or a
     * plugin's op type with the same roles).
     */
    private static boolean isLinearLike(Node n) {
        OptionalInt observed = n.op().observedInputChannelDim(n);
        return n.op().isDefaultRoot(n) && observed.isPresent()
                && observed.getAsInt() == n.input().shape().dimension() - 1
                && n.op().scoring(n, PruningHandle.PRUNE_OUT)
                        .filter(sc -> sc.kind() == ChannelScoring.Kind.OUT && sc.channelDim() == 0)
                        .isPresent();
    }
}
