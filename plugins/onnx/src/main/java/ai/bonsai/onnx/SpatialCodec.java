package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The ops over feature maps (NCHW; NCL too for ConvTranspose): Conv (asymmetric pads become a
 * {@code pad} node), ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, Pad (constant mode)
 * and Resize (integer scales), and {@code conv2d}, {@code conv_transpose1d/2d},
 * {@code max_pool2d}, {@code avg_pool2d}, {@code adaptive_avg_pool2d} (even windows),
 * {@code pad} and {@code upsample} back.
 */
final class SpatialCodec extends FamilyCodec {

    @Override
    public Set<OnnxOpId> imports() {
        return Stream.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "Pad", "Resize")
                .map(OnnxOpId::of).collect(Collectors.toSet());
    }

    @Override
    public Set<String> exports() {
        return Set.of("conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool2d", "avg_pool2d",
                "adaptive_avg_pool2d", "pad", "upsample");
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        return switch (n.opType()) {
            case "Conv" -> conv(n, c);
            case "ConvTranspose" -> convTranspose(n, c);
            case "MaxPool" -> pool(n, c, "max_pool2d");
            case "AveragePool" -> pool(n, c, "avg_pool2d");
            case "GlobalAveragePool" -> isDynamic(c, 0) && c.value(0).shape().dimension() == 4
                    ? unary(c, "adaptive_avg_pool2d", Attributes.of().with("output_size", new long[] {1, 1}))
                    : DECLINE;
            case "Pad" -> pad(n, c);
            default -> resize(n, c);
        };
    }

    private static Optional<List<Value>> conv(OnnxNode n, OnnxImportContext c) {
        Optional<NDArray> w = convWeight(c, 4);
        if (w.isEmpty()) {
            return DECLINE;
        }
        Value x = c.value(0);
        Shape ws = w.get().getShape();
        long[] kernel = ws.slice(2).getShape();
        long[] strides = n.longsAttr("strides").orElse(ones(2));
        long[] dilations = n.longsAttr("dilations").orElse(ones(2));
        long[] pads = Padding.of(n, x.shape(), kernel, strides, dilations);
        if (pads == null) {
            return DECLINE;
        }
        String name = c.nodeName(1);
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            x = c.builder().op("pad", name + ".pad", Attributes.of()
                    .with("pads", new long[] {pads[1], pads[3], pads[0], pads[2]})
                    .with("mode", "constant").with("value", 0.0), x);
            pads = new long[] {0, 0, 0, 0};
        }
        long groups = n.longAttr("group", 1);
        return single(c, "conv2d", name, convAttributes(c, name, ws, ws.get(0), groups)
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", new long[] {pads[0], pads[1]})
                .with("dilation", dilations), x);
    }

    /**
     * Maps ConvTranspose with a {@code [in, out/group, k...]} weight, whose layout PyTorch shares.
     * An explicit {@code output_shape}, asymmetric pads, or an {@code auto_pad} that needs them have
     * no PyTorch equivalent: declined.
     */
    private static Optional<List<Value>> convTranspose(OnnxNode n, OnnxImportContext c) {
        Optional<NDArray> w = convWeight(c, 3, 4);
        if (w.isEmpty() || n.has("output_shape")) {
            return DECLINE;
        }
        Value x = c.value(0);
        Shape ws = w.get().getShape();
        int rank = ws.dimension() - 2;
        long[] kernel = ws.slice(2).getShape();
        long[] strides = n.longsAttr("strides").orElse(ones(rank));
        long[] dilations = n.longsAttr("dilations").orElse(ones(rank));
        long[] outputPadding = n.longsAttr("output_padding").orElse(new long[rank]);
        long[] padding = Padding.symmetric(
                Padding.transposed(n, x.shape(), kernel, strides, dilations, outputPadding));
        if (padding == null) {
            return DECLINE;
        }
        long groups = n.longAttr("group", 1);
        String name = c.nodeName(1);
        return single(c, "conv_transpose" + rank + "d", name,
                convAttributes(c, name, ws, ws.get(1) * groups, groups)
                        .with("kernel", kernel)
                        .with("stride", strides)
                        .with("padding", padding)
                        .with("output_padding", outputPadding)
                        .with("dilation", dilations), x);
    }

    /** Returns the constant weight of one of the ranks when the input is computed and the bias absent or constant. */
    private static Optional<NDArray> convWeight(OnnxImportContext c, int... ranks) {
        if (!isDynamic(c, 0) || !absentOrConstant(c, 2)) {
            return Optional.empty();
        }
        return c.constant(1).filter(w -> IntStream.of(ranks).anyMatch(r -> r == w.getShape().dimension()));
    }

    /** Supplies weight and bias; returns the attributes every convolution shares. */
    private static Attributes convAttributes(OnnxImportContext c, String name, Shape weight, long out, long groups) {
        c.parameter(name, "weight", 1, weight);
        if (c.hasInput(2)) {
            c.parameter(name, "bias", 2, new Shape(out));
        }
        return Attributes.of().with("out_channels", out).with("groups", groups).with("bias", c.hasInput(2));
    }

    private static long[] ones(int rank) {
        long[] a = new long[rank];
        Arrays.fill(a, 1);
        return a;
    }

    private static Optional<List<Value>> pool(OnnxNode n, OnnxImportContext c, String opType) {
        if (!isDynamic(c, 0) || c.isOutputUsed(1)) {
            return DECLINE;
        }
        Value x = c.value(0);
        long[] kernel = n.longsAttr("kernel_shape").orElse(null);
        if (x.shape().dimension() != 4 || kernel == null || kernel.length != 2) {
            return DECLINE;
        }
        long[] strides = n.longsAttr("strides").orElse(ones(2));
        long[] dilations = n.longsAttr("dilations").orElse(ones(2));
        if (dilations[0] != 1 || dilations[1] != 1) {
            return DECLINE;
        }
        long[] padding = Padding.symmetric(Padding.of(n, x.shape(), kernel, strides, dilations));
        if (padding == null) {
            return DECLINE;
        }
        boolean padded = padding[0] != 0 || padding[1] != 0;
        if (opType.equals("avg_pool2d") && padded && n.longAttr("count_include_pad", 0) == 0) {
            return DECLINE;
        }
        return single(c, opType, c.nodeName(), Attributes.of()
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", padding)
                .with("ceil_mode", n.longAttr("ceil_mode", 0) != 0), x);
    }

    /** Maps Pad in constant mode with constant, non-negative pads (attribute before opset 11). */
    private static Optional<List<Value>> pad(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0) || !"constant".equals(n.stringAttr("mode", "constant")) || c.hasInput(3)) {
            return DECLINE;
        }
        Optional<long[]> pads = c.opset("") < 11 ? n.longsAttr("pads") : c.constant(1).map(FamilyCodec::longs);
        if (pads.isEmpty() || !absentOrConstant(c, 2)) {
            return DECLINE;
        }
        double value = c.constant(2).map(FamilyCodec::scalar).orElse(n.doubleAttr("value", 0f));
        long[] p = pads.get();
        int rank = p.length / 2;
        long[] torch = new long[p.length];
        for (int d = 0; d < rank; d++) {
            int fromLast = rank - 1 - d;
            torch[2 * fromLast] = p[d];
            torch[2 * fromLast + 1] = p[d + rank];
            if (p[d] < 0 || p[d + rank] < 0) {
                return DECLINE;
            }
        }
        return unary(c, "pad", Attributes.of().with("pads", torch).with("mode", "constant").with("value", value));
    }

    /** Maps Resize by integer scales (nearest/floor/asymmetric or linear/half-pixel), opset 11 and later. */
    private static Optional<List<Value>> resize(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0) || c.opset("") < 11 || c.value(0).shape().dimension() != 4) {
            return DECLINE;
        }
        Shape x = c.value(0).shape();
        Optional<NDArray> scales = c.constant(2).filter(k -> k.size() == 4);
        Optional<NDArray> sizes = c.constant(3).filter(k -> k.size() == 4);
        long[] scale = new long[2];
        for (int d = 0; d < 2; d++) {
            double f;
            if (scales.isPresent()) {
                f = scales.get().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()[d + 2];
            } else if (sizes.isPresent()) {
                f = (double) longs(sizes.get())[d + 2] / x.get(d + 2);
            } else {
                return DECLINE;
            }
            if (f < 1 || f != Math.rint(f)) {
                return DECLINE;
            }
            scale[d] = (long) f;
        }
        String mode = n.stringAttr("mode", "nearest");
        String transform = n.stringAttr("coordinate_transformation_mode", "half_pixel");
        Attributes a = Attributes.of().with("scale", scale);
        if (mode.equals("nearest") && transform.equals("asymmetric")
                && n.stringAttr("nearest_mode", "round_prefer_floor").equals("floor")) {
            a = a.with("mode", "nearest");
        } else if (mode.equals("linear") && (transform.equals("half_pixel") || transform.equals("pytorch_half_pixel"))) {
            a = a.with("mode", "bilinear").with("align_corners", false);
        } else {
            return DECLINE;
        }
        return unary(c, "upsample", a);
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        switch (node.op().name()) {
            case "conv2d" -> conv(node, c, a, "Conv");
            case "conv_transpose1d", "conv_transpose2d" -> conv(node, c, a, "ConvTranspose");
            case "max_pool2d", "avg_pool2d" -> pool(node, c, a);
            case "adaptive_avg_pool2d" -> adaptivePool(node, c, a);
            case "pad" -> pad(node, c, a);
            default -> upsample(c, a);
        }
    }

    /** Writes a plain or transposed convolution; the weight layouts are PyTorch's and ONNX's alike. */
    private static void conv(Node node, OnnxExportContext c, Attributes a, String opType) {
        long[] p = a.getLongs("padding");
        List<String> inputs = new ArrayList<>(List.of(c.input(0), c.parameter("weight")));
        if (node.hasParameter("bias")) {
            inputs.add(c.parameter("bias"));
        }
        Map<String, Object> attrs = new LinkedHashMap<>(Map.of(
                "dilations", a.getLongs("dilation"),
                "group", a.getLong("groups"),
                "kernel_shape", a.getLongs("kernel"),
                "pads", LongStream.concat(LongStream.of(p), LongStream.of(p)).toArray(),
                "strides", a.getLongs("stride")));
        if (opType.equals("ConvTranspose")) {
            attrs.put("output_padding", a.getLongs("output_padding"));
        }
        last(c, opType, inputs, attrs);
    }

    private static void pool(Node node, OnnxExportContext c, Attributes a) {
        long[] p = a.getLongs("padding");
        boolean max = node.op().name().equals("max_pool2d");
        Map<String, Object> attrs = new LinkedHashMap<>(Map.of(
                "ceil_mode", a.getBoolean("ceil_mode") ? 1L : 0L,
                "kernel_shape", a.getLongs("kernel"),
                "pads", new long[] {p[0], p[1], p[0], p[1]},
                "strides", a.getLongs("stride")));
        if (!max) {
            attrs.put("count_include_pad", 1L);
        }
        last(c, max ? "MaxPool" : "AveragePool", List.of(c.input(0)), attrs);
    }

    private static void adaptivePool(Node node, OnnxExportContext c, Attributes a) {
        long[] size = a.getLongs("output_size");
        Shape x = node.input().shape();
        if (size[0] == 1 && size[1] == 1) {
            simple(c, "GlobalAveragePool");
            return;
        }
        if (x.get(2) % size[0] != 0 || x.get(3) % size[1] != 0) {
            throw new ModelFormatException("node '" + node.name() + "': adaptive average pooling from "
                    + x + " to " + Arrays.toString(size) + " has uneven windows and no ONNX equivalent");
        }
        long[] window = {x.get(2) / size[0], x.get(3) / size[1]};
        last(c, "AveragePool", List.of(c.input(0)), Map.of("kernel_shape", window, "strides", window));
    }

    private static void pad(Node node, OnnxExportContext c, Attributes a) {
        long[] torch = a.getLongs("pads");
        int rank = node.input().shape().dimension();
        long[] onnx = new long[2 * rank];
        for (int k = 0; k < torch.length / 2; k++) {
            int d = rank - 1 - k;
            onnx[d] = torch[2 * k];
            onnx[d + rank] = torch[2 * k + 1];
        }
        last(c, "Pad", List.of(c.input(0), c.longs("pads", onnx), scalar(c, "value", a.getDouble("value"))),
                Map.of("mode", "constant"));
    }

    private static void upsample(OnnxExportContext c, Attributes a) {
        long[] s = a.getLongs("scale");
        String roi = c.opset() < 13 ? c.floats("roi", new long[] {0}) : "";
        String scales = c.floats("scales", new long[] {4}, 1f, 1f, s[0], s[1]);
        if (a.getString("mode").equals("nearest")) {
            last(c, "Resize", List.of(c.input(0), roi, scales), Map.of("mode", "nearest",
                    "coordinate_transformation_mode", "asymmetric", "nearest_mode", "floor"));
        } else {
            last(c, "Resize", List.of(c.input(0), roi, scales), Map.of("mode", "linear",
                    "coordinate_transformation_mode", "pytorch_half_pixel"));
        }
    }
}
