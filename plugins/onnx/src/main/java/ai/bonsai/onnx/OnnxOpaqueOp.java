package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code onnx_opaque}: an ONNX node Bonsai has no channel semantics for, kept as it is.
 *
 * <p>Attributes: {@code onnx_op_type}, {@code onnx_domain}, {@code onnx_opset}, {@code onnx_node}
 * (the node as read, written back unchanged: {@link NodeTemplate}) and the static output shapes as
 * {@code output_ranks} plus the concatenated {@code output_dims}. Channels cannot be pruned
 * through the node: every group that reaches it is refused, so its producers keep their channels.
 * The standard ops {@link StandardKernels} knows (LRN, reductions, ...) run on DJL; for any other
 * op {@link #forward} throws a {@link GraphException} naming the node. MACs: 0.
 */
@Extension
public final class OnnxOpaqueOp implements OpType {

    /** The registry name. */
    public static final String NAME = "onnx_opaque";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> inputShapes) {
        return OpaqueShapes.decode(node.attributes());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs the standard ops {@link StandardKernels} has a kernel for; any other op throws.
     */
    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        String op = a.getString("onnx_op_type");
        if (a.getString("onnx_domain").isEmpty() && StandardKernels.runs(op) && node.outputs().size() == 1) {
            NodeProto template = NodeTemplate.decode(a, node.name());
            Optional<NDArray> y = StandardKernels.run(new OnnxAttributes(template), op,
                    a.has("onnx_opset") ? a.getLong("onnx_opset") : OnnxWriter.DEFAULT_OPSET,
                    NodeTemplate.bySlot(template, List.copyOf(inputs)), context);
            if (y.isPresent()) {
                return new NDList(y.get());
            }
        }
        throw new GraphException("node '" + node.name() + "': ONNX op '" + op
                + "' has no Bonsai op type and cannot run on DJL (it is imported and written back "
                + "unchanged)");
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.opaque(node.inputs().size(), node.outputs().size());
    }
}
