package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code mean}: the mean over {@code dims}, as {@code torch.mean}; see {@link ReduceOp}. */
@Extension
public final class MeanOp extends ReduceOp {

    /** Creates the op type. */
    public MeanOp() {
        super("mean");
    }

    @Override
    NDArray reduce(NDArray x, int dim) {
        return x.mean(new int[] {dim}, true);
    }
}
