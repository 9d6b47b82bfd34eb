package ai.bonsai.core.ops;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.pf4j.Extension;

/** {@code sigmoid}: 1 / (1 + exp(-x)). MACs: 0, as Torch-Pruning's counter does not count it. */
@Extension
public final class SigmoidOp extends ActivationOp {

    /** Creates the op type. */
    public SigmoidOp() {
        super("sigmoid", false);
    }

    @Override
    NDArray apply(NDArray x, ForwardContext context) {
        return Activation.sigmoid(x);
    }
}
