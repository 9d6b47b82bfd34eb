package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import org.pf4j.Extension;

/**
 * {@code clip}: clamps to {@code [min, max]}, as {@code torch.clamp} (ONNX {@code Clip}).
 * Attributes {@code min} and {@code max} (either may be infinite). Channels pass through. MACs: 0.
 */
@Extension
public final class ClipOp extends UnaryOp {

    /** Creates the op type. */
    public ClipOp() {
        super("clip");
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        return new NDList(inputs.head().clip(a.getDouble("min"), a.getDouble("max")));
    }
}
