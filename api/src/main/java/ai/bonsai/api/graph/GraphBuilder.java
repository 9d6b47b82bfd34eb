package ai.bonsai.api.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The DSL that builds a {@link Graph} node by node, in topological order.
 *
 * <p>Each call adds a node of a registered {@link ai.bonsai.api.op.OpType}; the builder infers
 * output shapes at once, creates the parameters the op type declares (seeded), and fails with a
 * {@link GraphException} naming the node on any inconsistency. The convenience methods use the
 * attribute names of Bonsai's built-in op types.
 *
 * <pre>{@code
 * Value x = b.input("input", new Shape(1, 3, 32, 32));
 * Value y = b.relu("relu", b.batchNorm("bn1", b.conv2d("conv1", x, 16, 3, 1, 1)));
 * b.output(b.linear("fc", b.flatten("flatten", b.adaptiveAvgPool2d("pool", y, 1, 1)), 10));
 * Graph g = b.build();
 * }</pre>
 */
public interface GraphBuilder {

    /**
     * Declares a graph input.
     *
     * @param name the input name
     * @param shape its static shape
     * @return the input value
     */
    Value input(String name, Shape shape);

    /**
     * The metadata key prefix recording a graph input's element type when it is not float32
     * ({@code input.dtype.input_ids -> int64}), for formats that declare input types (ONNX).
     */
    String INPUT_DATA_TYPE_PREFIX = "input.dtype.";

    /**
     * Declares a graph input of another element type than float32 (token ids, masks) and records
     * it under {@link #INPUT_DATA_TYPE_PREFIX}, so that exported models declare it.
     *
     * @param name the input name
     * @param shape its static shape
     * @param dataType its element type
     * @return the input value
     */
    default Value input(String name, Shape shape, DataType dataType) {
        Value v = input(name, shape);
        if (dataType != DataType.FLOAT32) {
            metadata(INPUT_DATA_TYPE_PREFIX + name, dataType.name().toLowerCase(Locale.ROOT));
        }
        return v;
    }

    /**
     * Adds a node and returns all of its outputs.
     *
     * @param opType the op type name, such as {@code conv2d}
     * @param name the unique node name, such as {@code layer1.0.conv1}
     * @param attributes the attributes the op type reads
     * @param inputs the input values
     * @return the output values
     */
    List<Value> node(String opType, String name, Attributes attributes, Value... inputs);

    /**
     * Adds a single-output node.
     *
     * @param opType the op type name
     * @param name the node name
     * @param attributes the attributes
     * @param inputs the inputs
     * @return the output value
     */
    default Value op(String opType, String name, Attributes attributes, Value... inputs) {
        return node(opType, name, attributes, inputs).get(0);
    }

    /**
     * Returns the manager that will own the graph's parameters: readers create the arrays they
     * pass to {@link #parameterValue} here.
     *
     * @return the manager
     */
    NDManager manager();

    /**
     * Supplies the value of a parameter by its full name ({@code node.local}) before the node is
     * added: the node then takes this array instead of a seeded initialization. Readers of model
     * files (ONNX initializers, safetensors) use it so that weights are never initialized twice.
     *
     * @param name the full parameter name, such as {@code conv1.weight}
     * @param value the value, in {@link #manager()} (ownership passes to the graph)
     * @throws GraphException when the node that declares the parameter is added with another
     *     shape or data type, or at {@link #build()} when no node declared it
     */
    void parameterValue(String name, NDArray value);

    /**
     * Supplies the value of a parameter lazily: the node takes a parameter whose data is read
     * through {@code loader} only when first needed, so that a reader of files larger than
     * memory (safetensors shards) builds the graph without reading any weight. Pruning
     * such a parameter only records the selection; {@link Parameter#release()} drops its data
     * again. Builders without lazy parameters (the default) load at once.
     *
     * @param name the full parameter name, such as {@code conv1.weight}
     * @param shape the shape the loader returns
     * @param dataType the type the loader returns
     * @param loader returns a fresh array of that shape and type in {@link #manager()}, each
     *     time it is called (ownership passes to the graph)
     * @throws GraphException when the declaring node is added with another shape or type, or at
     *     {@link #build()} when no node declared it
     */
    default void parameterSource(String name, Shape shape, DataType dataType, Supplier<NDArray> loader) {
        parameterValue(name, loader.get());
    }

    /**
     * Attaches a metadata entry to the graph (source file, opset, producer, provenance); formats
     * that can store metadata write it back.
     *
     * @param key the key
     * @param value the value
     */
    void metadata(String key, String value);

    /**
     * Marks values as graph outputs, in order.
     *
     * @param values the outputs
     */
    void output(Value... values);

    /**
     * Finishes the graph.
     *
     * @return the graph
     * @throws GraphException if no output was declared
     */
    Graph build();

    /**
     * Adds a 2-D convolution without bias, dilation 1 and one group.
     *
     * @param name the node name
     * @param x the NCHW input
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param padding zero padding on each side
     * @return the output
     */
    default Value conv2d(String name, Value x, int outChannels, int kernel, int stride, int padding) {
        return conv2d(name, x, outChannels, kernel, stride, padding, 1, 1, false);
    }

    /**
     * Adds a 2-D convolution.
     *
     * @param name the node name
     * @param x the NCHW input
     * @param outChannels output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param padding zero padding on each side
     * @param dilation dilation
     * @param groups groups (input channels for depthwise)
     * @param bias whether it has a bias
     * @return the output
     */
    default Value conv2d(
            String name,
            Value x,
            int outChannels,
            int kernel,
            int stride,
            int padding,
            int dilation,
            int groups,
            boolean bias) {
        Attributes a = Attributes.of()
                .with("out_channels", outChannels)
                .with("kernel", new long[] {kernel, kernel})
                .with("stride", new long[] {stride, stride})
                .with("padding", new long[] {padding, padding})
                .with("dilation", new long[] {dilation, dilation})
                .with("groups", groups)
                .with("bias", bias);
        return op("conv2d", name, a, x);
    }

    /**
     * Adds a linear layer with bias over the last dimension.
     *
     * @param name the node name
     * @param x the input
     * @param outFeatures output features
     * @return the output
     */
    default Value linear(String name, Value x, int outFeatures) {
        return linear(name, x, outFeatures, true);
    }

    /**
     * Adds a linear layer over the last dimension.
     *
     * @param name the node name
     * @param x the input
     * @param outFeatures output features
     * @param bias whether it has a bias
     * @return the output
     */
    default Value linear(String name, Value x, int outFeatures, boolean bias) {
        return op("linear", name,
                Attributes.of().with("out_features", outFeatures).with("bias", bias), x);
    }

    /**
     * Adds an affine batch norm over dimension 1 (eps 1e-5, momentum 0.1 as in PyTorch).
     *
     * @param name the node name
     * @param x the input (N, C) or (N, C, ...)
     * @return the output
     */
    default Value batchNorm(String name, Value x) {
        return op("batch_norm", name,
                Attributes.of().with("eps", 1e-5).with("momentum", 0.1).with("affine", true), x);
    }

    /**
     * Adds an attribute-free unary op such as {@code relu}, {@code gelu} or {@code hardswish}.
     *
     * @param opType the op type
     * @param name the node name
     * @param x the input
     * @return the output
     */
    default Value unary(String opType, String name, Value x) {
        return op(opType, name, Attributes.of(), x);
    }

    /**
     * Adds a ReLU.
     *
     * @param name the node name
     * @param x the input
     * @return the output
     */
    default Value relu(String name, Value x) {
        return unary("relu", name, x);
    }

    /**
     * Adds an element-wise binary op ({@code add}, {@code sub}, {@code mul}) with broadcasting.
     *
     * @param opType the op type
     * @param name the node name
     * @param a the first operand
     * @param b the second operand
     * @return the output
     */
    default Value binary(String opType, String name, Value a, Value b) {
        return op(opType, name, Attributes.of(), a, b);
    }

    /**
     * Adds an element-wise sum.
     *
     * @param name the node name
     * @param a the first operand
     * @param b the second operand
     * @return the output
     */
    default Value add(String name, Value a, Value b) {
        return binary("add", name, a, b);
    }

    /**
     * Adds a 2-D max pooling.
     *
     * @param name the node name
     * @param x the input
     * @param kernel kernel size
     * @param stride stride
     * @param padding padding
     * @return the output
     */
    default Value maxPool2d(String name, Value x, int kernel, int stride, int padding) {
        return op("max_pool2d", name, poolAttributes(kernel, stride, padding), x);
    }

    /**
     * Adds a 2-D average pooling (padding counted, floor mode, as PyTorch's defaults).
     *
     * @param name the node name
     * @param x the input
     * @param kernel kernel size
     * @param stride stride
     * @param padding padding
     * @return the output
     */
    default Value avgPool2d(String name, Value x, int kernel, int stride, int padding) {
        return op("avg_pool2d", name, poolAttributes(kernel, stride, padding), x);
    }

    private static Attributes poolAttributes(int kernel, int stride, int padding) {
        return Attributes.of()
                .with("kernel", new long[] {kernel, kernel})
                .with("stride", new long[] {stride, stride})
                .with("padding", new long[] {padding, padding})
                .with("ceil_mode", false);
    }

    /**
     * Adds an adaptive average pooling to a fixed output size.
     *
     * @param name the node name
     * @param x the input
     * @param height output height
     * @param width output width
     * @return the output
     */
    default Value adaptiveAvgPool2d(String name, Value x, int height, int width) {
        return op("adaptive_avg_pool2d", name,
                Attributes.of().with("output_size", new long[] {height, width}), x);
    }

    /**
     * Flattens every dimension from 1 on.
     *
     * @param name the node name
     * @param x the input
     * @return the output
     */
    default Value flatten(String name, Value x) {
        return op("flatten", name, Attributes.of().with("start_dim", 1).with("end_dim", -1), x);
    }

    /**
     * Concatenates values along a dimension.
     *
     * @param name the node name
     * @param dim the dimension
     * @param xs the values
     * @return the output
     */
    default Value concat(String name, int dim, Value... xs) {
        return op("concat", name, Attributes.of().with("dim", dim), xs);
    }

    /**
     * Adds dropout (identity in eval mode).
     *
     * @param name the node name
     * @param x the input
     * @param p the drop probability
     * @return the output
     */
    default Value dropout(String name, Value x, double p) {
        return op("dropout", name, Attributes.of().with("p", p), x);
    }
}
