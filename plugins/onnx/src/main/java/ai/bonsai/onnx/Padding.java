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
     * Returns the pads of a Conv or pooling node, of any number of spatial dimensions: {@code
     * pads}, none for {@code VALID}, or for {@code SAME_UPPER}/{@code SAME_LOWER} the padding
     * that makes each output {@code ceil(input / stride)} long.
     *
     * @param at the node
     * @param x the N x C x spatial input shape
     * @param kernel the kernel size
     * @param strides the strides
     * @param dilations the dilations
     * @return the pads {@code [begin..., end...]} ({@code [top, left, bottom, right]} in 2-D), or
     *     null when the ranks disagree or the pads are absent in form or number
     */
    static long[] of(OnnxNode at, Shape x, long[] kernel, long[] strides, long[] dilations) {
        int rank = kernel.length;
        if (x.dimension() != rank + 2 || strides.length != rank || dilations.length != rank) {
            return null;
        }
        String auto = at.stringAttr("auto_pad", "NOTSET");
        switch (auto) {
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
                    long out = (in + strides[d] - 1) / strides[d];
                    long total = Math.max(0, (out - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - in);
                    long small = total / 2;
                    pads[d] = auto.equals("SAME_UPPER") ? small : total - small;
                    pads[d + rank] = total - pads[d];
                }
                return pads;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Returns the pads of a ConvTranspose node with an {@code output_shape}: the total padding
     * that gives each spatial dimension its requested length, split as the operator's
     * specification and ONNX Runtime do (the larger half at the beginning, at the end for {@code
     * SAME_UPPER}).
     *
     * @param at the node
     * @param x the N x C x spatial input shape
     * @param kernel the kernel size
     * @param strides the strides
     * @param dilations the dilations
     * @param outputPadding the output padding
     * @return the pads {@code [begin..., end...]}, or null when the output shape does not fit
     *     (longer than the full transposed convolution, or of another rank)
     */
    static long[] forOutputShape(OnnxNode at, Shape x, long[] kernel, long[] strides, long[] dilations,
            long[] outputPadding) {
        int rank = kernel.length;
        long[] requested = at.longsAttr("output_shape").orElseThrow();
        if (requested.length == rank + 2) {
            requested = Arrays.copyOfRange(requested, 2, rank + 2);
        }
        if (x.dimension() != rank + 2 || requested.length != rank || strides.length != rank
                || dilations.length != rank || outputPadding.length != rank) {
            return null;
        }
        boolean upper = at.stringAttr("auto_pad", "NOTSET").equals("SAME_UPPER");
        long[] pads = new long[2 * rank];
        for (int d = 0; d < rank; d++) {
            long total = strides[d] * (x.get(d + 2) - 1) + outputPadding[d] + (kernel[d] - 1) * dilations[d] + 1
                    - requested[d];
            if (total < 0) {
                return null;
            }
            pads[d] = upper ? total / 2 : total - total / 2;
            pads[d + rank] = total - pads[d];
        }
        return pads;
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
