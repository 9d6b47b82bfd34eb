package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.pf4j.Extension;

/**
 * {@code hardswish}: x * relu6(x + 3) / 6, composed because the PyTorch engine lacks it. MACs:
 * 0, as Torch-Pruning's counter does not count it.
 */
@Extension
public final class HardswishOp extends ActivationOp {

    /** Creates the op type. */
    public HardswishOp() {
        super("hardswish", false);
    }

    @Override
    NDArray apply(NDArray x) {
        return x.mul(Activation.relu6(x.add(3))).div(6);
    }
}
