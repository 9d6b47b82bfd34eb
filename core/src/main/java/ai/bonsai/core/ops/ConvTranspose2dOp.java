package ai.bonsai.core.ops;

import org.pf4j.Extension;

/**
 * {@code conv_transpose2d}: 2-D transposed convolution on NCHW tensors, weight {@code [in,
 * out/groups, kh, kw]}, as PyTorch's {@code nn.ConvTranspose2d}; attribute tuples hold two
 * entries, including {@code output_padding}. The engine has no transposed convolution: the
 * forward is composed by {@link TransposedConvolution}. See {@link ConvolutionOp}.
 */
@Extension
public final class ConvTranspose2dOp extends ConvolutionOp {

    /** Creates the op type. */
    public ConvTranspose2dOp() {
        super("conv_transpose2d", 2, true);
    }
}
