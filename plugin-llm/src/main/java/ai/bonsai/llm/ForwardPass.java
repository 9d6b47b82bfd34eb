package ai.bonsai.llm;

import ai.bonsai.api.graph.Node;
import ai.djl.ndarray.NDList;
import java.util.function.BiConsumer;

/**
 * Runs a graph and shows each node's inputs to an observer just before the node runs; the arrays
 * are valid only during the call. The host's executor provides it (core's {@code
 * GraphExecutor.forward(inputs, false, observer)}), so the plugin needs no executor of its own.
 */
@FunctionalInterface
public interface ForwardPass {

    /**
     * Runs the graph in eval mode.
     *
     * @param inputs one array per graph input
     * @param observer receives each node and its inputs
     * @return the graph outputs
     */
    NDList run(NDList inputs, BiConsumer<Node, NDList> observer);
}
