package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code sum}: the sum over {@code dims}, as {@code torch.sum}; see {@link ReduceOp}. */
@Extension
public final class SumOp extends ReduceOp {

    /** Creates the op type. */
    public SumOp() {
        super("sum");
    }

    @Override
    NDArray reduce(NDArray x, int dim) {
        return x.sum(new int[] {dim}, true);
    }
}
