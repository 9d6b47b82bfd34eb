package ai.bonsai.core.ops;

import org.pf4j.Extension;

/**
 * {@code conv3d}: 3-D convolution on NCDHW tensors, weight {@code [out, in/groups, kd, kh, kw]},
 * as PyTorch's {@code nn.Conv3d}; attribute tuples hold three entries. See {@link
 * ConvolutionOp}.
 */
@Extension
public final class Conv3dOp extends ConvolutionOp {

    /** Creates the op type. */
    public Conv3dOp() {
        super("conv3d", 3, false);
    }
}
