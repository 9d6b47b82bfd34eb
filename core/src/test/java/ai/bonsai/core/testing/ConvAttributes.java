package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Attributes;
import java.util.Arrays;

/** Attributes of the convolution op types for tests, with one value for every spatial dimension. */
public final class ConvAttributes {

    private ConvAttributes() {
    }

    /**
     * Returns the attributes of a convolution (dilation 1, output padding 0).
     *
     * @param rank the number of spatial dimensions
     * @param out output channels
     * @param kernel kernel size
     * @param stride stride
     * @param padding padding
     * @param groups groups
     * @param bias whether it has a bias
     * @return the attributes
     */
    public static Attributes conv(int rank, int out, int kernel, int stride, int padding, int groups, boolean bias) {
        return Attributes.of()
                .with("out_channels", out)
                .with("kernel", filled(rank, kernel))
                .with("stride", filled(rank, stride))
                .with("padding", filled(rank, padding))
                .with("dilation", filled(rank, 1))
                .with("output_padding", filled(rank, 0))
                .with("groups", groups)
                .with("bias", bias);
    }

    private static long[] filled(int rank, long v) {
        long[] a = new long[rank];
        Arrays.fill(a, v);
        return a;
    }
}
