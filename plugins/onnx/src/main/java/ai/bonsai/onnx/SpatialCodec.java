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
 * The ops over feature maps (NCL, NCHW, NCDHW): Conv (1-D to 3-D; asymmetric pads become a
 * {@code pad} node), ConvTranspose (1-D and 2-D; asymmetric pads and {@code output_shape} become a
 * symmetric one and a {@code slice} per cropped dimension), MaxPool, AveragePool,
 * GlobalAveragePool, Pad (constant mode) and Resize (integer factors as {@code upsample}, other
 * scales and sizes as {@code onnx_resize}), and {@code conv1d/2d/3d}, {@code
 * conv_transpose1d/2d}, {@code max_pool2d}, {@code avg_pool2d}, {@code adaptive_avg_pool2d} (even
 * windows), {@code pad}, {@code upsample} and {@code onnx_resize} back, in the forms of the target
 * opset (attribute-form Pad, Upsample and Resize-10 before opset 11).
 */
final class SpatialCodec extends FamilyCodec {

    @Override
    public Set<OnnxOpId> imports() {
        return Stream.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "Pad", "Resize")
                .map(OnnxOpId::of).collect(Collectors.toSet());
    }

    @Override
    public Set<String> exports() {
        return Set.of("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "max_pool2d",
                "avg_pool2d", "adaptive_avg_pool2d", "pad", "upsample", OnnxResizeOp.NAME);
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
        Optional<NDArray> w = convWeight(c, 3, 4, 5);
        if (w.isEmpty()) {
            return DECLINE;
        }
        Value x = c.value(0);
        Shape ws = w.get().getShape();
        int rank = ws.dimension() - 2;
        long[] kernel = ws.slice(2).getShape();
        long[] strides = n.longsAttr("strides").orElse(ones(rank));
        long[] dilations = n.longsAttr("dilations").orElse(ones(rank));
        long[] pads = Padding.of(n, x.shape(), kernel, strides, dilations);
        if (pads == null || LongStream.of(pads).anyMatch(p -> p < 0)) {
            return DECLINE;
        }
        String name = c.nodeName(1);
        long[] padding = Padding.symmetric(pads);
        AutoPad.record(c, n, name, padding == null ? name + ".pad" : null);
        if (padding == null) {
            x = c.builder().op("pad", name + ".pad", Attributes.of().with("pads", torchPads(pads))
                    .with("mode", "constant").with("value", 0.0), x);
            padding = new long[rank];
        }
        long groups = n.longAttr("group", 1);
        return single(c, "conv" + rank + "d", name, convAttributes(c, name, ws, ws.get(0), groups)
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", padding)
                .with("dilation", dilations), x);
    }

    /** ONNX pads {@code [begin..., end...]} in PyTorch's order: the last dimension's pair first. */
    private static long[] torchPads(long[] pads) {
        int rank = pads.length / 2;
        long[] torch = new long[pads.length];
        for (int d = 0; d < rank; d++) {
            int fromLast = rank - 1 - d;
            torch[2 * fromLast] = pads[d];
            torch[2 * fromLast + 1] = pads[d + rank];
        }
        return torch;
    }

    /**
     * Maps ConvTranspose with a {@code [in, out/group, k...]} weight, whose layout PyTorch shares.
     * PyTorch pads both ends alike: asymmetric pads, and those an {@code output_shape} implies,
     * become the smaller pad of each dimension and a {@code slice} that crops the rest.
     */
    private static Optional<List<Value>> convTranspose(OnnxNode n, OnnxImportContext c) {
        Optional<NDArray> w = convWeight(c, 3, 4);
        if (w.isEmpty()) {
            return DECLINE;
        }
        Value x = c.value(0);
        Shape ws = w.get().getShape();
        int rank = ws.dimension() - 2;
        long[] kernel = ws.slice(2).getShape();
        long[] strides = n.longsAttr("strides").orElse(ones(rank));
        long[] dilations = n.longsAttr("dilations").orElse(ones(rank));
        long[] outputPadding = n.longsAttr("output_padding").orElse(new long[rank]);
        long[] pads = n.has("output_shape")
                ? Padding.forOutputShape(n, x.shape(), kernel, strides, dilations, outputPadding)
                : Padding.transposed(n, x.shape(), kernel, strides, dilations, outputPadding);
        if (pads == null || LongStream.of(pads).anyMatch(p -> p < 0)) {
            return DECLINE;
        }
        long[] padding = new long[rank];
        for (int d = 0; d < rank; d++) {
            padding[d] = Math.min(pads[d], pads[d + rank]);
        }
        long groups = n.longAttr("group", 1);
        String name = c.nodeName(1);
        Value y = c.builder().op("conv_transpose" + rank + "d", name,
                convAttributes(c, name, ws, ws.get(1) * groups, groups)
                        .with("kernel", kernel)
                        .with("stride", strides)
                        .with("padding", padding)
                        .with("output_padding", outputPadding)
                        .with("dilation", dilations), x);
        for (int d = 0; d < rank; d++) {
            long begin = pads[d] - padding[d];
            long end = pads[d + rank] - padding[d];
            if (begin + end > 0) {
                y = c.builder().op("slice", name + ".crop" + (rank > 1 ? String.valueOf(d) : ""), Attributes.of()
                        .with("dim", (long) d + 2).with("start", begin)
                        .with("end", y.shape().get(d + 2) - end).with("step", 1L), y);
            }
        }
        return Optional.of(List.of(y));
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
        long[] pads = Padding.of(n, x.shape(), kernel, strides, dilations);
        long[] padding = Padding.symmetric(pads);
        boolean max = opType.equals("max_pool2d");
        if (pads == null || padding == null && (!max || LongStream.of(pads).anyMatch(p -> p < 0))) {
            return DECLINE;
        }
        boolean padded = padding == null || padding[0] != 0 || padding[1] != 0;
        if (!max && padded && n.longAttr("count_include_pad", 0) == 0) {
            return DECLINE;
        }
        String name = c.nodeName();
        AutoPad.record(c, n, name, padding == null ? name + ".pad" : null);
        if (padding == null) {
            // uneven padding of a max pool: padded positions never win, as ONNX ignores them
            x = c.builder().op("pad", name + ".pad", Attributes.of().with("pads", torchPads(pads))
                    .with("mode", "constant").with("value", Double.NEGATIVE_INFINITY), x);
            padding = new long[2];
        }
        return single(c, opType, name, Attributes.of()
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", padding)
                .with("ceil_mode", n.longAttr("ceil_mode", 0) != 0), x);
    }

    /**
     * Maps Pad in constant mode with constant, non-negative pads (attribute before opset 11); an
     * all-zero Pad (torchvision's Swin padding to a multiple of the window it already is) is its
     * input, so no node is left.
     */
    private static Optional<List<Value>> pad(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0) || !"constant".equals(n.stringAttr("mode", "constant")) || c.hasInput(3)) {
            return DECLINE;
        }
        Optional<long[]> pads = c.opset("") < 11 ? n.longsAttr("pads") : c.constant(1).map(FamilyCodec::longs);
        if (pads.isEmpty() || !absentOrConstant(c, 2) || LongStream.of(pads.get()).anyMatch(p -> p < 0)) {
            return DECLINE;
        }
        if (LongStream.of(pads.get()).allMatch(p -> p == 0)) {
            return Optional.of(List.of(c.value(0)));
        }
        double value = c.constant(2).map(FamilyCodec::scalar).orElse(n.doubleAttr("value", 0f));
        return unary(c, "pad", Attributes.of().with("pads", torchPads(pads.get())).with("mode", "constant")
                .with("value", value));
    }

    /**
     * Maps Resize (opset 11 and later; older forms are converted on import) of the spatial
     * dimensions by constant scales or sizes: integer factors with PyTorch's nearest or bilinear
     * coordinates as {@code upsample}, any other size in nearest or linear mode as {@code
     * onnx_resize}.
     */
    private static Optional<List<Value>> resize(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0) || c.opset("") < 11 || c.value(0).shape().dimension() < 3
                || n.longAttr("antialias", 0) != 0 || !n.stringAttr("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            return DECLINE;
        }
        Shape x = c.value(0).shape();
        int rank = x.dimension();
        long[] axes = n.longsAttr("axes").map(a -> LongStream.of(a).map(d -> d < 0 ? d + rank : d).toArray())
                .orElse(LongStream.range(0, rank).toArray());
        Optional<NDArray> scales = c.constant(2).filter(k -> k.size() == axes.length);
        Optional<NDArray> sizes = c.constant(3).filter(k -> k.size() == axes.length);
        if (scales.isEmpty() && sizes.isEmpty()) {
            return DECLINE;
        }
        long[] out = x.getShape().clone();
        float[] factor = new float[rank];
        Arrays.fill(factor, 1f);
        for (int i = 0; i < axes.length; i++) {
            int d = (int) axes[i];
            if (sizes.isPresent()) {
                out[d] = longs(sizes.get())[i];
                factor[d] = (float) out[d] / x.get(d);
            } else {
                factor[d] = (float) scalarAt(scales.get(), i);
                out[d] = (long) (factor[d] * (float) x.get(d));
            }
        }
        if (out[0] != x.get(0) || out[1] != x.get(1) || factor[0] != 1f || factor[1] != 1f
                || LongStream.of(out).anyMatch(l -> l < 1)) {
            return DECLINE;
        }
        String mode = n.stringAttr("mode", "nearest");
        String transform = n.stringAttr("coordinate_transformation_mode", "half_pixel");
        String nearest = n.stringAttr("nearest_mode", "round_prefer_floor");
        float[] spatial = Arrays.copyOfRange(factor, 2, rank);
        Optional<List<Value>> byFactors = rank == 4 ? upsample(c, spatial, out, x, mode, transform, nearest) : DECLINE;
        if (byFactors.isPresent()) {
            return byFactors;
        }
        if (!Set.of("nearest", "linear").contains(mode) || !Set.of("half_pixel", "pytorch_half_pixel",
                "align_corners", "asymmetric", "tf_half_pixel_for_nn").contains(transform)) {
            return DECLINE;
        }
        return unary(c, OnnxResizeOp.NAME, Attributes.of().with("mode", mode)
                .with("coordinate_transformation_mode", transform).with("nearest_mode", nearest)
                .with("output_size", Arrays.copyOfRange(out, 2, rank))
                .with("scales", OnnxResizeOp.scales(spatial)).with("by_sizes", sizes.isPresent()));
    }

    private static double scalarAt(NDArray a, int i) {
        return a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()[i];
    }

    /** Integer factors with PyTorch's nearest (asymmetric, floor) or bilinear (half-pixel) coordinates. */
    private static Optional<List<Value>> upsample(OnnxImportContext c, float[] factor, long[] out, Shape x, String mode,
            String transform, String nearest) {
        long[] scale = new long[2];
        for (int d = 0; d < 2; d++) {
            if (factor[d] < 1 || factor[d] != Math.rint(factor[d]) || out[d + 2] != x.get(d + 2) * (long) factor[d]) {
                return DECLINE;
            }
            scale[d] = (long) factor[d];
        }
        Attributes a = Attributes.of().with("scale", scale);
        if (mode.equals("nearest") && transform.equals("asymmetric") && nearest.equals("floor")) {
            return unary(c, "upsample", a.with("mode", "nearest"));
        }
        if (mode.equals("linear") && (transform.equals("half_pixel") || transform.equals("pytorch_half_pixel"))) {
            return unary(c, "upsample", a.with("mode", "bilinear").with("align_corners", false));
        }
        return DECLINE;
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        switch (node.op().name()) {
            case "conv1d", "conv2d", "conv3d" -> conv(node, c, a, "Conv");
            case "conv_transpose1d", "conv_transpose2d" -> conv(node, c, a, "ConvTranspose");
            case "max_pool2d", "avg_pool2d" -> pool(node, c, a);
            case "adaptive_avg_pool2d" -> adaptivePool(node, c, a);
            case "pad" -> pad(node, c, a);
            case "upsample" -> upsample(node, c, a);
            default -> resize(node, c, a);
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
                "kernel_shape", a.getLongs("kernel"),
                "pads", new long[] {p[0], p[1], p[0], p[1]},
                "strides", a.getLongs("stride")));
        if (c.opset() >= 10) {
            attrs.put("ceil_mode", a.getBoolean("ceil_mode") ? 1L : 0L);
        } else if (a.getBoolean("ceil_mode")) {
            throw new ModelFormatException("node '" + node.name() + "': pooling with ceil_mode has no "
                    + "equivalent before opset 10 (the model's opset is " + c.opset() + ")");
        }
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
        if (c.opset() < 11) {
            last(c, "Pad", List.of(c.input(0)), Map.of("mode", "constant", "pads", onnx, "value", a.getDouble("value")));
            return;
        }
        last(c, "Pad", List.of(c.input(0), c.longs("pads", onnx), scalar(c, "value", a.getDouble("value"))),
                Map.of("mode", "constant"));
    }

    private static void upsample(Node node, OnnxExportContext c, Attributes a) {
        long[] s = a.getLongs("scale");
        float[] factors = {1f, 1f, s[0], s[1]};
        boolean nearest = a.getString("mode").equals("nearest");
        if (c.opset() < 11) {
            if (!nearest) {
                throw new ModelFormatException("node '" + node.name() + "': bilinear upsampling with half-pixel "
                        + "coordinates has no equivalent before opset 11 (the model's opset is " + c.opset() + ")");
            }
            legacyResize(c, "nearest", factors);
            return;
        }
        String roi = c.opset() < 13 ? c.floats("roi", new long[] {0}) : "";
        String scales = c.floats("scales", new long[] {4}, factors);
        if (nearest) {
            last(c, "Resize", List.of(c.input(0), roi, scales), Map.of("mode", "nearest",
                    "coordinate_transformation_mode", "asymmetric", "nearest_mode", "floor"));
        } else {
            last(c, "Resize", List.of(c.input(0), roi, scales), Map.of("mode", "linear",
                    "coordinate_transformation_mode", "pytorch_half_pixel"));
        }
    }

    /**
     * Writes {@code onnx_resize}: Resize by the model's scales, or, when it gave sizes, to the
     * batch and channels of the input (read with Shape and Slice, so that they may differ from the
     * import's) and the fixed spatial size; before opset 11 as Upsample or Resize-10, which know
     * asymmetric coordinates and scales only.
     */
    private static void resize(Node node, OnnxExportContext c, Attributes a) {
        int rank = node.input().shape().dimension();
        float[] factors = new float[rank];
        Arrays.fill(factors, 1f);
        System.arraycopy(OnnxResizeOp.scales(a), 0, factors, 2, rank - 2);
        String mode = a.getString("mode");
        String transform = a.getString("coordinate_transformation_mode");
        boolean bySizes = a.getBoolean("by_sizes");
        if (c.opset() < 11) {
            if (bySizes || !transform.equals("asymmetric")) {
                throw new ModelFormatException("node '" + node.name() + "': Resize " + (bySizes ? "to sizes"
                        : "with " + transform + " coordinates") + " has no equivalent before opset 11 (the model's "
                        + "opset is " + c.opset() + ")");
            }
            legacyResize(c, mode, factors);
            return;
        }
        Map<String, Object> attrs = new LinkedHashMap<>(Map.of("mode", mode, "coordinate_transformation_mode",
                transform));
        if (mode.equals("nearest")) {
            attrs.put("nearest_mode", a.getString("nearest_mode"));
        }
        String roi = c.opset() < 13 ? c.floats("roi", new long[] {0}) : "";
        if (!bySizes) {
            last(c, "Resize", List.of(c.input(0), roi, c.floats("scales", new long[] {rank}, factors)), attrs);
            return;
        }
        String shape = step(c, "Shape", List.of(c.input(0)), Map.of());
        String batchAndChannels = step(c, "Slice", List.of(shape, c.longs("starts", 0), c.longs("ends", 2)),
                Map.of());
        String sizes = step(c, "Concat", List.of(batchAndChannels, c.longs("spatial_size",
                a.getLongs("output_size"))), Map.of("axis", 0L));
        String noScales = c.opset() < 13 ? c.floats("scales", new long[] {0}) : "";
        last(c, "Resize", List.of(c.input(0), roi, noScales, sizes), attrs);
    }

    /** Upsample (opsets 7 to 9) or Resize-10 by scales, with asymmetric coordinates. */
    private static void legacyResize(OnnxExportContext c, String mode, float[] factors) {
        if (c.opset() >= 10) {
            last(c, "Resize", List.of(c.input(0), c.floats("scales", new long[] {factors.length}, factors)),
                    Map.of("mode", mode));
        } else if (c.opset() == 9) {
            last(c, "Upsample", List.of(c.input(0), c.floats("scales", new long[] {factors.length}, factors)),
                    Map.of("mode", mode));
        } else {
            double[] scales = new double[factors.length];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = factors[i];
            }
            last(c, "Upsample", List.of(c.input(0)), Map.of("mode", mode, "scales", scales));
        }
    }
}
