package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code onnx_constant}: a constant tensor of an ONNX model (an initializer or {@code Constant}
 * output) that feeds an op Bonsai keeps as a plain operand, such as the scalar of a {@code Mul}.
 *
 * <p>Attributes: {@code shape} and {@code dtype} (a DJL data type name, {@code float32} or {@code
 * int64}). Parameter: the non-trainable buffer {@code value}. No inputs; the output is a copy of
 * the value in the pass's manager (the executor frees intermediate results).
 * Its channels cannot be pruned: a consumer that couples them refuses the group. MACs: 0.
 */
@Extension
public final class OnnxConstantOp implements OpType {

    /** The registry name. */
    public static final String NAME = "onnx_constant";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ParameterSpec> parameters(Attributes attributes, List<Shape> inputShapes) {
        return List.of(ParameterSpec.buffer("value", new Shape(attributes.getLongs("shape")),
                DataType.valueOf(attributes.getString("dtype").toUpperCase(java.util.Locale.ROOT)),
                ParameterSpec.Init.ZEROS));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> inputShapes) {
        return List.of(node.parameter("value").shape());
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray copy = node.parameter("value").array().duplicate();
        copy.attach(context.manager());
        return new NDList(copy);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.opaque(0, 1);
    }
}
