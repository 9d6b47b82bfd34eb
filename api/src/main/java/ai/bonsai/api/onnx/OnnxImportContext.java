package ai.bonsai.api.onnx;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;

/**
 * What the ONNX importer offers a codec while it imports one node: the node's inputs as graph
 * values or constants, names, parameter values and the graph builder. Input and output slots are
 * those of the {@link OnnxNode} being imported.
 */
public interface OnnxImportContext {

    /**
     * Returns the opset version the model imports for a domain.
     *
     * @param domain the domain ({@code ""} for the default ONNX domain)
     * @return the version, or 0 when the model does not import the domain
     */
    long opset(String domain);

    /**
     * Tells whether an input slot is present (not beyond the node's inputs, not {@code ""}).
     *
     * @param input the input slot
     * @return true if present
     */
    boolean hasInput(int input);

    /**
     * Returns an input's value when it is a constant: an initializer, a {@code Constant} node or a
     * computation the importer folded. The array belongs to the import; do not close it.
     *
     * @param input the input slot
     * @return the constant, or empty when absent or computed by the graph
     */
    Optional<NDArray> constant(int input);

    /**
     * Returns an input as a graph value; a constant becomes an {@code onnx_constant} node.
     *
     * @param input the input slot
     * @return the value
     * @throws ai.bonsai.api.model.ModelFormatException naming the node when the input is absent
     */
    Value value(int input);

    /**
     * Tells whether something reads an output (a later node or the graph's outputs).
     *
     * @param output the output slot
     * @return true if the output is used
     */
    boolean isOutputUsed(int output);

    /**
     * Allocates a unique Bonsai node name after the ONNX node's name (its scope), and records the
     * ONNX name so that the writer gives it back.
     *
     * @return the name
     */
    String nodeName();

    /**
     * Allocates a unique Bonsai node name after the module of the initializer feeding an input
     * ({@code layer1.0.conv1.weight} names {@code layer1.0.conv1}), falling back to
     * {@link #nodeName()} when the input is not an initializer.
     *
     * @param weightInput the input slot of the weight
     * @return the name
     */
    String nodeName(int weightInput);

    /**
     * Supplies a node's parameter from a constant input, before the node is added: converted to
     * float32, reshaped to the shape the op type declares, copied when another node shares the
     * initializer.
     *
     * @param node the Bonsai node name
     * @param local the parameter's local name, such as {@code weight}
     * @param input the input slot holding the constant
     * @param shape the shape the op type declares
     * @throws ai.bonsai.api.model.ModelFormatException naming the node when the input is not a
     *     constant
     */
    void parameter(String node, String local, int input, Shape shape);

    /**
     * Supplies a node's parameter from a computed array, before the node is added.
     *
     * @param node the Bonsai node name
     * @param local the parameter's local name
     * @param value the value, created in {@code builder().manager()} (ownership passes to the graph)
     */
    void parameter(String node, String local, NDArray value);

    /**
     * Keeps the node as an {@code onnx_opaque} node with known output shapes: for a configuration
     * the codec understands well enough to give its shapes but Bonsai cannot prune through. The
     * node is written back unchanged and refuses every pruning group that reaches it.
     *
     * @param outputShapes the static shape of each present output, in order
     * @return one value per output slot ({@code null} for an absent output), to return from
     *     {@link OnnxOpCodec#importNode}
     */
    List<Value> opaque(List<Shape> outputShapes);

    /**
     * Returns the builder of the graph being imported.
     *
     * @return the builder
     */
    GraphBuilder builder();
}
