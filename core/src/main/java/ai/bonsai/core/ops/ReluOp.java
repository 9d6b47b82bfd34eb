package ai.bonsai.core.ops;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.pf4j.Extension;

/** {@code relu}: max(x, 0). MACs: output elements. */
@Extension
public final class ReluOp extends ActivationOp {

    /** Creates the op type. */
    public ReluOp() {
        super("relu", true);
    }

    @Override
    NDArray apply(NDArray x, ForwardContext context) {
        return Activation.relu(x);
    }
}
