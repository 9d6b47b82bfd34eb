package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import org.pf4j.Extension;

/**
 * {@code onnx_cast}: converts a computed tensor to another element type (ONNX {@code Cast}, such
 * as an int64 timestep to float32). Attribute {@code to}: the ONNX element type code.
 */
@Extension
public final class OnnxCastOp extends OnnxUnaryOp {

    /** The registry name. */
    public static final String NAME = "onnx_cast";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        int code = (int) node.attributes().getLong("to");
        return new NDList(inputs.head().toType(OnnxDataType.ofCode(code).orElseThrow(() -> new IllegalStateException(
                "node '" + node.name() + "': ONNX element type " + code + " has no DJL type")).djl(), false));
    }
}
