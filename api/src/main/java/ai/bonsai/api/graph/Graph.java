package ai.bonsai.api.graph;

import java.util.List;
import java.util.Map;

/**
 * A model as an explicit dataflow graph: inputs, outputs, nodes in topological order and their
 * parameters.
 *
 * <p>Graphs are built with a {@link GraphBuilder} or read by a {@link
 * ai.bonsai.api.model.ModelFormat}; pruning changes parameter shapes and node attributes in place
 * and keeps every {@link Value#shape()} consistent. A graph owns native memory: close it.
 */
public interface Graph extends AutoCloseable {

    /**
     * Returns the graph's name (for reports).
     *
     * @return the name
     */
    String name();

    /**
     * Returns the graph inputs in declaration order.
     *
     * @return the inputs
     */
    List<Value> inputs();

    /**
     * Returns the graph outputs in declaration order.
     *
     * @return the outputs
     */
    List<Value> outputs();

    /**
     * Returns every node in topological order.
     *
     * @return the nodes
     */
    List<Node> nodes();

    /**
     * Returns the node with a name.
     *
     * @param name the node name, such as {@code layer1.0.conv1}
     * @return the node
     * @throws GraphException if no node has that name
     */
    Node node(String name);

    /**
     * Returns every parameter keyed by its full name ({@code node.local}, as in a PyTorch
     * state_dict), in node order.
     *
     * @return the parameters
     */
    Map<String, Parameter> parameters();

    /**
     * Returns the graph's metadata entries (source file, opset, provenance), in insertion order.
     *
     * @return the metadata, unmodifiable
     */
    Map<String, String> metadata();

    /**
     * Frees the native memory held by the parameters; the graph is unusable afterwards.
     */
    @Override
    void close();
}
