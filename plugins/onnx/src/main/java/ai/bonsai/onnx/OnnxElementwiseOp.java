package ai.bonsai.onnx;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code onnx_elementwise}: a standard one-input element-wise ONNX op without a Bonsai op type of
 * its own (Abs, Exp, Elu, Softplus, Mish, ... {@link StandardKernels#ELEMENTWISE}), kept as it was
 * read and written back unchanged. Unlike an opaque node, channels pass through it along the
 * input's channel dimension, and it runs on DJL.
 *
 * <p>Attributes: {@code onnx_op_type}, {@code onnx_opset} and the node template {@code onnx_node}
 * ({@link NodeTemplate}). MACs: 0.
 */
@Extension
public final class OnnxElementwiseOp extends OnnxUnaryOp {

    /** The registry name. */
    public static final String NAME = "onnx_elementwise";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NodeProto template = NodeTemplate.decode(node.attributes(), node.name());
        String op = node.attributes().getString("onnx_op_type");
        return new NDList(StandardKernels.run(new OnnxAttributes(template), op,
                node.attributes().getLong("onnx_opset"), List.of(inputs.head()), context)
                .orElseThrow(() -> new GraphException("node '" + node.name() + "': ONNX op '" + op
                        + "' has no DJL kernel")));
    }
}
