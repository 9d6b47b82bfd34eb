package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code mul}: a * b element-wise, with broadcasting. */
@Extension
public final class MulOp extends BinaryOp {

    /** Creates the op type. */
    public MulOp() {
        super("mul");
    }

    @Override
    NDArray apply(NDArray a, NDArray b) {
        return a.mul(b);
    }
}
