package ai.bonsai.onnx;

import ai.djl.ndarray.types.Shape;

/** The explicit 2-D padding of an ONNX Conv or pooling node ({@code pads} or {@code auto_pad}). */
final class Padding {

    private Padding() {
    }

    /**
     * Returns the pads {@code [top, left, bottom, right]}.
     *
     * @param at the node's attributes
     * @param x the NCHW input shape
     * @param kernel the kernel size
     * @param strides the strides
     * @param dilations the dilations
     * @return the pads, or null when the node is not 2-D
     */
    static long[] of(OnnxAttributes at, Shape x, long[] kernel, long[] strides, long[] dilations) {
        if (x.dimension() != 4 || kernel.length != 2 || strides.length != 2 || dilations.length != 2) {
            return null;
        }
        String auto = at.s("auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET" -> {
                long[] pads = at.ints("pads").orElse(new long[4]);
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
}
