package ai.bonsai.core.ops;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.pf4j.Extension;

/**
 * {@code gelu}: the exact GELU x * Phi(x) with the normal CDF (erf form), PyTorch's default.
 * MACs: output elements.
 */
@Extension
public final class GeluOp extends ActivationOp {

    /** Creates the op type. */
    public GeluOp() {
        super("gelu", true);
    }

    @Override
    NDArray apply(NDArray x, ForwardContext context) {
        return Activation.gelu(x);
    }
}
