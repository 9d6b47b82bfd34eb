package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import org.pf4j.Extension;

/**
 * {@code identity}: returns its input unchanged (the very array, as PyTorch's {@code
 * nn.Identity} does). Channels pass through; MACs 0.
 */
@Extension
public final class IdentityOp extends UnaryOp {

    /** Creates the op type. */
    public IdentityOp() {
        super("identity");
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        return new NDList(inputs.head());
    }
}
