package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code add}: a + b element-wise, with broadcasting. */
@Extension
public final class AddOp extends BinaryOp {

    /** Creates the op type. */
    public AddOp() {
        super("add");
    }

    @Override
    NDArray apply(NDArray a, NDArray b) {
        return a.add(b);
    }
}
