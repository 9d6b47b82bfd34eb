package ai.bonsai.core.ops;

import org.pf4j.Extension;

/**
 * {@code conv2d}: 2-D convolution on NCHW tensors, weight {@code [out, in/groups, kh, kw]}, as
 * PyTorch's {@code nn.Conv2d}; attribute tuples hold two entries. See {@link ConvolutionOp}.
 */
@Extension
public final class Conv2dOp extends ConvolutionOp {

    /** Creates the op type. */
    public Conv2dOp() {
        super("conv2d", 2, false);
    }
}
