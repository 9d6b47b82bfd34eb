package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import org.pf4j.Extension;

/** {@code onnx_sin}: the element-wise sine (ONNX {@code Sin}, as in sinusoidal timestep embeddings). */
@Extension
public final class OnnxSinOp extends OnnxUnaryOp {

    /** The registry name. */
    public static final String NAME = "onnx_sin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        return new NDList(inputs.head().sin());
    }
}
