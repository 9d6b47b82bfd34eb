package ai.bonsai.api.graph;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;

/**
 * A tensor edge of the graph with a static shape.
 *
 * <p>{@link #channelDim()} says which dimension carries prunable channels, as decided by the
 * producer's op type (conv-like tensors: 1; linear-like tensors: the last); {@code -1} means the
 * tensor has no prunable channel dimension (graph inputs, for instance).
 */
public interface Value {

    /**
     * Returns the value's name (graph input name, or {@code node} / {@code node:k} for outputs).
     *
     * @return the name
     */
    String name();

    /**
     * Returns the current static shape.
     *
     * @return the shape
     */
    Shape shape();

    /**
     * Returns the channel dimension, or {@code -1}.
     *
     * @return the dimension index
     */
    int channelDim();

    /**
     * Returns the node producing this value; empty for graph inputs.
     *
     * @return the producer
     */
    Optional<Node> producer();

    /**
     * Returns the nodes reading this value, in graph order.
     *
     * @return the consumers
     */
    List<Node> consumers();
}
