package ai.bonsai.core.ops;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code relu6}: min(max(x, 0), 6). MACs: output elements. */
@Extension
public final class Relu6Op extends ActivationOp {

    /** Creates the op type. */
    public Relu6Op() {
        super("relu6", true);
    }

    @Override
    NDArray apply(NDArray x, ForwardContext context) {
        return x.clip(0, 6);
    }
}
