package ai.bonsai.onnx;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code onnx_opaque}: an ONNX node Bonsai has no channel semantics for, kept as it is.
 *
 * <p>Attributes: {@code onnx_op_type}, {@code onnx_domain}, {@code onnx_attributes} (the node's
 * ONNX attributes, serialized, written back unchanged) and the static output shapes as {@code
 * output_ranks} plus the concatenated {@code output_dims}. Channels cannot be pruned through the
 * node: every group that reaches it is refused, so its producers keep their channels. The node
 * does not run on DJL: {@link #forward} throws a {@link GraphException} naming it. MACs: 0.
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

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        throw new GraphException("node '" + node.name() + "': ONNX op '"
                + node.attributes().getString("onnx_op_type")
                + "' has no Bonsai op type and cannot run on DJL (it is imported and written back "
                + "unchanged)");
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.opaque(node.inputs().size(), node.outputs().size());
    }
}
