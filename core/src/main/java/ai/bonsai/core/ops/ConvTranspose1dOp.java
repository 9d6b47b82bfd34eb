package ai.bonsai.core.ops;

import org.pf4j.Extension;

/**
 * {@code conv_transpose1d}: 1-D transposed convolution on NCL tensors, weight {@code [in,
 * out/groups, k]}, as PyTorch's {@code nn.ConvTranspose1d}; attribute tuples hold one entry,
 * including {@code output_padding}. The engine has no transposed convolution: the forward is
 * composed by {@link TransposedConvolution}. See {@link ConvolutionOp}.
 */
@Extension
public final class ConvTranspose1dOp extends ConvolutionOp {

    /** Creates the op type. */
    public ConvTranspose1dOp() {
        super("conv_transpose1d", 1, true);
    }
}
