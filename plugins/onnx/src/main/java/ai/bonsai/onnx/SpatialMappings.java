package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Maps the ONNX ops over feature maps (NCHW; NCL too for ConvTranspose): Conv, ConvTranspose,
 * MaxPool, AveragePool, GlobalAveragePool, Pad, Resize. Each mapping returns false for a
 * configuration Bonsai cannot express (the node is then kept opaque) and throws for a malformed
 * node.
 */
final class SpatialMappings extends MappingSupport {

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    SpatialMappings(OnnxImporter ctx) {
        super(ctx);
    }

    /**
     * Maps Conv with a constant 4-D weight (and bias) as {@code conv2d}; asymmetric pads become a
     * {@code pad} node.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean conv(NodeProto n) {
        Optional<Operand.Known> w = convWeight(n, 4);
        if (w.isEmpty()) {
            return false;
        }
        OnnxAttributes at = new OnnxAttributes(n);
        Value x = ctx.value(n, 0);
        Shape ws = w.get().array().getShape();
        long[] kernel = ws.slice(2).getShape();
        long[] strides = at.ints("strides").orElse(ones(2));
        long[] dilations = at.ints("dilations").orElse(ones(2));
        long[] pads = Padding.of(at, x.shape(), kernel, strides, dilations);
        if (pads == null) {
            return false;
        }
        String name = ctx.name(w.get().initializer(), List.of(n));
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            x = b().op("pad", name + ".pad", Attributes.of()
                    .with("pads", new long[] {pads[1], pads[3], pads[0], pads[2]})
                    .with("mode", "constant").with("value", 0.0), x);
            pads = new long[] {0, 0, 0, 0};
        }
        long groups = at.i("group", 1);
        single(n, "conv2d", name, convAttributes(n, name, w.get(), ws.get(0), groups)
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", new long[] {pads[0], pads[1]})
                .with("dilation", dilations), x);
        return true;
    }

    /**
     * Maps ConvTranspose with a constant 3-D or 4-D weight {@code [in, out/group, k...]} (and
     * bias) as {@code conv_transpose1d} or {@code conv_transpose2d}, whose weight layout is the
     * same. An explicit {@code output_shape}, asymmetric pads, or an {@code auto_pad} that needs
     * them have no PyTorch equivalent: the node is kept opaque.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean convTranspose(NodeProto n) {
        Optional<Operand.Known> w = convWeight(n, 3, 4);
        OnnxAttributes at = new OnnxAttributes(n);
        if (w.isEmpty() || at.has("output_shape")) {
            return false;
        }
        Value x = ctx.value(n, 0);
        Shape ws = w.get().array().getShape();
        int rank = ws.dimension() - 2;
        long[] kernel = ws.slice(2).getShape();
        long[] strides = at.ints("strides").orElse(ones(rank));
        long[] dilations = at.ints("dilations").orElse(ones(rank));
        long[] outputPadding = at.ints("output_padding").orElse(new long[rank]);
        long[] padding = Padding.symmetric(
                Padding.transposed(at, x.shape(), kernel, strides, dilations, outputPadding));
        if (padding == null) {
            return false;
        }
        long groups = at.i("group", 1);
        String name = ctx.name(w.get().initializer(), List.of(n));
        single(n, "conv_transpose" + rank + "d", name,
                convAttributes(n, name, w.get(), ws.get(1) * groups, groups)
                        .with("kernel", kernel)
                        .with("stride", strides)
                        .with("padding", padding)
                        .with("output_padding", outputPadding)
                        .with("dilation", dilations), x);
        return true;
    }

    /**
     * Returns the weight of a Conv or ConvTranspose node when the node has a computed input, a
     * constant weight of one of the given ranks and no bias or a constant one.
     */
    private Optional<Operand.Known> convWeight(NodeProto n, int... ranks) {
        boolean constantOrNoBias = n.getInputCount() <= 2 || n.getInput(2).isEmpty()
                || ctx.known(n, 2).isPresent();
        if (!ctx.isDynamic(n, 0) || !constantOrNoBias) {
            return Optional.empty();
        }
        return ctx.known(n, 1).filter(w -> IntStream.of(ranks)
                .anyMatch(r -> r == w.array().getShape().dimension()));
    }

    /**
     * Supplies a convolution's weight and bias and returns the attributes the convolution op
     * types share (out_channels, groups, bias); the caller adds the per-dimension tuples.
     */
    private Attributes convAttributes(NodeProto n, String name, Operand.Known w, long out, long groups) {
        Optional<Operand.Known> bias = ctx.known(n, 2);
        ctx.supply(name, "weight", w, w.array().getShape());
        bias.ifPresent(k -> ctx.supply(name, "bias", k, new Shape(out)));
        return Attributes.of()
                .with("out_channels", out)
                .with("groups", groups)
                .with("bias", bias.isPresent());
    }

    private static long[] ones(int rank) {
        long[] a = new long[rank];
        Arrays.fill(a, 1);
        return a;
    }

    /**
     * Maps MaxPool / AveragePool over NCHW as {@code max_pool2d} / {@code avg_pool2d}.
     *
     * @param n the node
     * @param opType the Bonsai op type
     * @return true if mapped
     */
    boolean pool(NodeProto n, String opType) {
        OnnxAttributes at = new OnnxAttributes(n);
        if (!ctx.isDynamic(n, 0) || usedOutputs(n) > 1) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long[] kernel = at.ints("kernel_shape").orElse(null);
        if (x.shape().dimension() != 4 || kernel == null || kernel.length != 2) {
            return false;
        }
        long[] strides = at.ints("strides").orElse(ones(2));
        long[] dilations = at.ints("dilations").orElse(ones(2));
        if (dilations[0] != 1 || dilations[1] != 1) {
            return false;
        }
        long[] padding = Padding.symmetric(Padding.of(at, x.shape(), kernel, strides, dilations));
        if (padding == null) {
            return false;
        }
        boolean padded = padding[0] != 0 || padding[1] != 0;
        if (opType.equals("avg_pool2d") && padded && at.i("count_include_pad", 0) == 0) {
            return false;
        }
        single(n, opType, ctx.name(null, List.of(n)), Attributes.of()
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", padding)
                .with("ceil_mode", at.i("ceil_mode", 0) != 0), x);
        return true;
    }

    /**
     * Maps GlobalAveragePool as {@code adaptive_avg_pool2d} to 1 x 1.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean globalAveragePool(NodeProto n) {
        if (!ctx.isDynamic(n, 0) || ctx.value(n, 0).shape().dimension() != 4) {
            return false;
        }
        single(n, "adaptive_avg_pool2d", ctx.name(null, List.of(n)),
                Attributes.of().with("output_size", new long[] {1, 1}), ctx.value(n, 0));
        return true;
    }

    /**
     * Maps Pad in constant mode as {@code pad}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean pad(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        if (!ctx.isDynamic(n, 0) || !"constant".equals(at.s("mode", "constant"))
                || (n.getInputCount() > 3 && !n.getInput(3).isEmpty())) {
            return false;
        }
        Optional<long[]> pads = ctx.opset() < 11 ? at.ints("pads") : ctx.known(n, 1).map(Operand.Known::longs);
        if (pads.isEmpty() || (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && ctx.known(n, 2).isEmpty())) {
            return false;
        }
        double value = ctx.known(n, 2).map(Operand.Known::scalar).orElse((double) at.f("value", 0f));
        long[] p = pads.get();
        int rank = p.length / 2;
        long[] torch = new long[p.length];
        for (int d = 0; d < rank; d++) {
            int fromLast = rank - 1 - d;
            torch[2 * fromLast] = p[d];
            torch[2 * fromLast + 1] = p[d + rank];
            if (p[d] < 0 || p[d + rank] < 0) {
                return false;
            }
        }
        single(n, "pad", ctx.name(null, List.of(n)), Attributes.of().with("pads", torch)
                .with("mode", "constant").with("value", value), ctx.value(n, 0));
        return true;
    }

    /**
     * Maps Resize by integer scales (nearest/floor/asymmetric or linear/half-pixel) as {@code
     * upsample}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean resize(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        if (!ctx.isDynamic(n, 0) || ctx.opset() < 11) {
            return false;
        }
        Value x = ctx.value(n, 0);
        if (x.shape().dimension() != 4) {
            return false;
        }
        long[] scale = new long[2];
        Optional<Operand.Known> scales = ctx.known(n, 2).filter(k -> k.array().size() == 4);
        Optional<Operand.Known> sizes = ctx.known(n, 3).filter(k -> k.array().size() == 4);
        for (int d = 0; d < 2; d++) {
            double f;
            if (scales.isPresent()) {
                f = scales.get().array().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                        .toDoubleArray()[d + 2];
            } else if (sizes.isPresent()) {
                f = (double) sizes.get().longs()[d + 2] / x.shape().get(d + 2);
            } else {
                return false;
            }
            if (f < 1 || f != Math.rint(f)) {
                return false;
            }
            scale[d] = (long) f;
        }
        String mode = at.s("mode", "nearest");
        String transform = at.s("coordinate_transformation_mode", "half_pixel");
        Attributes a = Attributes.of().with("scale", scale);
        if (mode.equals("nearest") && transform.equals("asymmetric")
                && at.s("nearest_mode", "round_prefer_floor").equals("floor")) {
            a = a.with("mode", "nearest");
        } else if (mode.equals("linear")
                && (transform.equals("half_pixel") || transform.equals("pytorch_half_pixel"))) {
            a = a.with("mode", "bilinear").with("align_corners", false);
        } else {
            return false;
        }
        single(n, "upsample", ctx.name(null, List.of(n)), a, x);
        return true;
    }
}
