package ai.bonsai.core.ops;

import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code div}: a / b element-wise, with broadcasting (ONNX {@code Div} on floats). */
@Extension
public final class DivOp extends BinaryOp {

    /** Creates the op type. */
    public DivOp() {
        super("div");
    }

    @Override
    NDArray apply(NDArray a, NDArray b) {
        return a.div(b);
    }
}
