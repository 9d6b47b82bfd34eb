package ai.bonsai.core.ops;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import org.pf4j.Extension;

/** {@code erf}: the Gauss error function, element-wise. Channels pass through. MACs: 0. */
@Extension
public final class ErfOp extends ActivationOp {

    /** Creates the op type. */
    public ErfOp() {
        super("erf", false);
    }

    @Override
    NDArray apply(NDArray x, ForwardContext context) {
        return x.erf();
    }
}
