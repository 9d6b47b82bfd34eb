package ai.bonsai.core.ops;

import org.pf4j.Extension;

/**
 * {@code conv1d}: 1-D convolution on NCL tensors, weight {@code [out, in/groups, k]}, as
 * PyTorch's {@code nn.Conv1d}; attribute tuples hold one entry. See {@link ConvolutionOp}.
 */
@Extension
public final class Conv1dOp extends ConvolutionOp {

    /** Creates the op type. */
    public Conv1dOp() {
        super("conv1d", 1, false);
    }
}
