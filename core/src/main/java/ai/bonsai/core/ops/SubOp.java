package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code sub}: a - b element-wise, with broadcasting. */
@Extension
public final class SubOp extends BinaryOp {

    /** Creates the op type. */
    public SubOp() {
        super("sub");
    }

    @Override
    NDArray apply(NDArray a, NDArray b) {
        return a.sub(b);
    }
}
