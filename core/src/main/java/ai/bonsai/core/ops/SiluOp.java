package ai.bonsai.core.ops;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.pf4j.Extension;

/** {@code silu}: x * sigmoid(x). MACs: 0, as Torch-Pruning's counter does not count SiLU. */
@Extension
public final class SiluOp extends ActivationOp {

    /** Creates the op type. */
    public SiluOp() {
        super("silu", false);
    }

    @Override
    NDArray apply(NDArray x, ForwardContext context) {
        return x.mul(Activation.sigmoid(x));
    }
}
