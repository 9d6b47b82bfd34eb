package ai.bonsai.core.ops;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
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
    NDArray apply(NDArray x, ForwardContext context) {
        return x.mul(x.add(context.scalar(3, x)).clip(0, 6)).div(context.scalar(6, x));
    }
}
