package ai.bonsai.api.onnx;

import ai.djl.ndarray.NDArray;

/**
 * What the ONNX writer offers a codec while it writes one Bonsai node: the ONNX names of the
 * node's inputs and outputs, initializers, fresh value names, node emission and opset imports.
 */
public interface OnnxExportContext {

    /**
     * Returns the default-domain opset the model is written with.
     *
     * @return the opset version
     */
    long opset();

    /**
     * Returns the ONNX name of one of the node's inputs.
     *
     * @param input the input index
     * @return the value name
     */
    String input(int input);

    /**
     * Returns the ONNX name of one of the node's outputs.
     *
     * @param output the output index
     * @return the value name
     */
    String output(int output);

    /**
     * Writes one of the node's parameters as an initializer, named by its full Bonsai name.
     *
     * @param local the parameter's local name, such as {@code weight}
     * @return the initializer name
     */
    String parameter(String local);

    /**
     * Writes one of the node's parameters as an initializer of another shape with the same number
     * of elements (a per-channel vector as {@code [C, 1, 1]}, say).
     *
     * @param local the parameter's local name
     * @param shape the shape written
     * @return the initializer name
     */
    String parameter(String local, long... shape);

    /**
     * Writes a tensor derived from one of the node's parameters (a transposed weight, say) as an
     * initializer named {@code <full parameter name>_<suffix>} ({@code fc.weight_t}), so that a
     * reader names the node after the parameter's module again.
     *
     * @param local the parameter's local name
     * @param suffix the suffix, such as {@code t}
     * @param value the derived tensor (read, not closed)
     * @return the initializer name
     */
    String parameter(String local, String suffix, NDArray value);

    /**
     * Writes a computed or constant tensor as an initializer named {@link #temp(String)} would.
     *
     * @param what the suffix
     * @param value the tensor (read, not closed)
     * @return the initializer name
     */
    String initializer(String what, NDArray value);

    /**
     * Writes a float32 initializer named {@link #temp(String)} would.
     *
     * @param what the suffix
     * @param shape the shape ({@code new long[0]} for a scalar)
     * @param values the values, row-major
     * @return the initializer name
     */
    String floats(String what, long[] shape, float... values);

    /**
     * Writes a one-dimensional int64 initializer named {@link #temp(String)} would.
     *
     * @param what the suffix
     * @param values the values
     * @return the initializer name
     */
    String longs(String what, long... values);

    /**
     * Returns a fresh value name for an intermediate result between the nodes a codec emits:
     * {@code <node>/<what>}, or {@code <node>/<what>_<k>} when the node already used that name.
     *
     * @param what the suffix, such as the op type that produces the value
     * @return the value name
     */
    String temp(String what);

    /**
     * Emits an ONNX node. An unnamed node gets the name the node had when it was read (the k-th
     * emitted node the k-th recorded name), else the Bonsai node's name; attributes are written
     * sorted by name.
     *
     * @param node the node
     * @throws ai.bonsai.api.model.ModelFormatException naming the node when an attribute value
     *     has no ONNX kind
     */
    void emit(OnnxNode node);

    /**
     * Declares that the model imports a custom domain (required for nodes of that domain).
     *
     * @param domain the domain, such as {@code com.example}
     * @param version the opset version of that domain
     * @throws ai.bonsai.api.model.ModelFormatException when another codec declared another
     *     version of the domain
     */
    void importOpset(String domain, long version);
}
