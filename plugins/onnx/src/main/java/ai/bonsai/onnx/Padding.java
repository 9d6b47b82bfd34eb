package ai.bonsai.onnx;

import ai.bonsai.api.onnx.OnnxNode;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The explicit padding of an ONNX Conv, ConvTranspose or pooling node ({@code pads} or {@code
 * auto_pad}), in ONNX order: every spatial dimension's begin, then every end.
 */
final class Padding {

    private Padding() {
    }

    /**
     * Returns the pads {@code [top, left, bottom, right]}.
     *
     * @param at the node
     * @param x the NCHW input shape
     * @param kernel the kernel size
     * @param strides the strides
     * @param dilations the dilations
     * @return the pads, or null when the node is not 2-D
     */
    static long[] of(OnnxNode at, Shape x, long[] kernel, long[] strides, long[] dilations) {
        if (x.dimension() != 4 || kernel.length != 2 || strides.length != 2 || dilations.length != 2) {
            return null;
        }
        String auto = at.stringAttr("auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET" -> {
                long[] pads = at.longsAttr("pads").orElse(new long[4]);
                return pads.length == 4 ? pads : null;
            }
            case "VALID" -> {
                return new long[4];
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                long[] pads = new long[4];
                for (int d = 0; d < 2; d++) {
                    long in = x.get(d + 2);
                    long out = (in + strides[d] - 1) / strides[d];
                    long total = Math.max(0, (out - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - in);
                    long small = total / 2;
                    pads[d] = auto.equals("SAME_UPPER") ? small : total - small;
                    pads[d + 2] = total - pads[d];
                }
                return pads;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Returns the pads of a ConvTranspose node, of any number of spatial dimensions: {@code pads},
     * none for {@code VALID}, or for {@code SAME_UPPER}/{@code SAME_LOWER} the total padding that
     * makes each output {@code input x stride} long, split evenly.
     *
     * @param at the node
     * @param x the N x C x spatial input shape
     * @param kernel the kernel size
     * @param strides the strides
     * @param dilations the dilations
     * @param outputPadding the output padding
     * @return the pads {@code [begin..., end...]}, or null when they are absent in form or
     *     number, or {@code auto_pad} needs an odd or negative total padding
     */
    static long[] transposed(OnnxNode at, Shape x, long[] kernel, long[] strides,
            long[] dilations, long[] outputPadding) {
        int rank = kernel.length;
        if (x.dimension() != rank + 2 || strides.length != rank || dilations.length != rank
                || outputPadding.length != rank) {
            return null;
        }
        switch (at.stringAttr("auto_pad", "NOTSET")) {
            case "NOTSET" -> {
                long[] pads = at.longsAttr("pads").orElse(new long[2 * rank]);
                return pads.length == 2 * rank ? pads : null;
            }
            case "VALID" -> {
                return new long[2 * rank];
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                long[] pads = new long[2 * rank];
                for (int d = 0; d < rank; d++) {
                    long in = x.get(d + 2);
                    long total = strides[d] * (in - 1) + outputPadding[d] + (kernel[d] - 1) * dilations[d]
                            + 1 - in * strides[d];
                    if (total < 0 || total % 2 != 0) {
                        return null;
                    }
                    pads[d] = total / 2;
                    pads[d + rank] = total / 2;
                }
                return pads;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Returns the padding of each spatial dimension when both of its sides are padded alike, as
     * PyTorch's {@code padding} attribute.
     *
     * @param pads the pads {@code [begin..., end...]}, or null
     * @return the begin half, or null when {@code pads} is null, negative or asymmetric
     */
    static long[] symmetric(long[] pads) {
        if (pads == null) {
            return null;
        }
        int rank = pads.length / 2;
        for (int d = 0; d < rank; d++) {
            if (pads[d] < 0 || pads[d] != pads[d + rank]) {
                return null;
            }
        }
        return Arrays.copyOf(pads, rank);
    }
}
