package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The element-wise activations: Relu, Sigmoid, Tanh, HardSwish, Erf, LeakyRelu, HardSigmoid,
 * Gelu, Clip (as {@code relu6}, {@code relu} or {@code clip}), PRelu, Identity and Dropout, and
 * their Bonsai op types back, SiLU and the opset-dependent forms of GELU and HardSwish included.
 */
final class ActivationCodec extends FamilyCodec {

    @Override
    public Set<OnnxOpId> imports() {
        return Stream.of("Relu", "Sigmoid", "Tanh", "HardSwish", "Erf", "LeakyRelu", "HardSigmoid", "Gelu",
                "Clip", "PRelu", "Identity", "Dropout").map(OnnxOpId::of).collect(Collectors.toSet());
    }

    @Override
    public Set<String> exports() {
        return Set.of("relu", "sigmoid", "tanh", "identity", "dropout", "relu6", "clip", "erf", "leaky_relu",
                "hard_sigmoid", "hardswish", "silu", "gelu", "prelu");
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        return switch (n.opType()) {
            case "Relu" -> unary(c, "relu", Attributes.of());
            case "Sigmoid" -> unary(c, "sigmoid", Attributes.of());
            case "Tanh" -> unary(c, "tanh", Attributes.of());
            case "HardSwish" -> unary(c, "hardswish", Attributes.of());
            case "Erf" -> unary(c, "erf", Attributes.of());
            case "Identity" -> unary(c, "identity", Attributes.of());
            case "LeakyRelu" -> unary(c, "leaky_relu", Attributes.of()
                    .with("negative_slope", n.doubleAttr("alpha", 0.01f)));
            case "HardSigmoid" -> unary(c, "hard_sigmoid", Attributes.of()
                    .with("alpha", n.doubleAttr("alpha", 0.2f)).with("beta", n.doubleAttr("beta", 0.5f)));
            case "Gelu" -> "none".equals(n.stringAttr("approximate", "none"))
                    ? unary(c, "gelu", Attributes.of()) : DECLINE;
            case "Clip" -> clip(n, c);
            case "PRelu" -> prelu(c);
            case "Dropout" -> dropout(n, c);
            default -> DECLINE;
        };
    }

    private static Optional<List<Value>> clip(OnnxNode n, OnnxImportContext c) {
        double min;
        double max;
        if (c.opset("") < 11) {
            min = n.doubleAttr("min", Float.NEGATIVE_INFINITY);
            max = n.doubleAttr("max", Float.POSITIVE_INFINITY);
        } else {
            if (!absentOrConstant(c, 1) || !absentOrConstant(c, 2)) {
                return DECLINE;
            }
            min = c.constant(1).map(FamilyCodec::scalar).orElse(Double.NEGATIVE_INFINITY);
            max = c.constant(2).map(FamilyCodec::scalar).orElse(Double.POSITIVE_INFINITY);
        }
        if (min == 0 && max == 6) {
            return unary(c, "relu6", Attributes.of());
        }
        if (min == 0 && max == Double.POSITIVE_INFINITY) {
            return unary(c, "relu", Attributes.of());
        }
        return unary(c, "clip", Attributes.of().with("min", min).with("max", max));
    }

    /** Maps PRelu with a shared or per-channel constant slope. */
    private static Optional<List<Value>> prelu(OnnxImportContext c) {
        Optional<NDArray> slope = c.constant(1);
        if (!isDynamic(c, 0) || slope.isEmpty()) {
            return DECLINE;
        }
        Value x = c.value(0);
        long size = slope.get().size();
        Shape s = slope.get().getShape();
        boolean perChannel = x.shape().dimension() >= 2 && size == x.shape().get(1) && s.get(0) == size;
        if (size != 1 && !perChannel) {
            return DECLINE;
        }
        String name = c.nodeName(1);
        c.parameter(name, "weight", 1, new Shape(size));
        return single(c, "prelu", name, Attributes.of().with("num_parameters", size), x);
    }

    /** Maps Dropout whose mask output is unused. */
    private static Optional<List<Value>> dropout(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0) || c.isOutputUsed(1)) {
            return DECLINE;
        }
        double p = c.constant(1).map(FamilyCodec::scalar).orElse(n.doubleAttr("ratio", 0.5f));
        return unary(c, "dropout", Attributes.of().with("p", p));
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        switch (node.op().name()) {
            case "relu" -> simple(c, "Relu");
            case "sigmoid" -> simple(c, "Sigmoid");
            case "tanh" -> simple(c, "Tanh");
            case "erf" -> simple(c, "Erf");
            case "identity", "dropout" -> simple(c, "Identity");
            case "relu6" -> clip(c, 0, 6);
            case "clip" -> clip(c, a.getDouble("min"), a.getDouble("max"));
            case "leaky_relu" -> last(c, "LeakyRelu", List.of(c.input(0)),
                    Map.of("alpha", a.getDouble("negative_slope")));
            case "hard_sigmoid" -> last(c, "HardSigmoid", List.of(c.input(0)),
                    Map.of("alpha", a.getDouble("alpha"), "beta", a.getDouble("beta")));
            case "hardswish" -> hardswish(c);
            case "silu" -> last(c, "Mul", List.of(c.input(0), step(c, "Sigmoid", List.of(c.input(0)), Map.of())),
                    Map.of());
            case "gelu" -> gelu(c);
            case "prelu" -> prelu(node, c);
            default -> throw new IllegalArgumentException("not an activation: " + node.op().name());
        }
    }

    /** Clip with bounds as inputs, or as attributes before opset 11; an infinite bound is left out. */
    private static void clip(OnnxExportContext c, double min, double max) {
        if (c.opset() >= 11) {
            last(c, "Clip", List.of(c.input(0), bound(c, "min", min), bound(c, "max", max)), Map.of());
            return;
        }
        Map<String, Object> bounds = new java.util.HashMap<>();
        if (!Double.isInfinite(min)) {
            bounds.put("min", min);
        }
        if (!Double.isInfinite(max)) {
            bounds.put("max", max);
        }
        last(c, "Clip", List.of(c.input(0)), bounds);
    }

    private static String bound(OnnxExportContext c, String what, double v) {
        return Double.isInfinite(v) ? "" : scalar(c, what, v);
    }

    private static void hardswish(OnnxExportContext c) {
        if (c.opset() >= 14) {
            simple(c, "HardSwish");
            return;
        }
        String g = step(c, "HardSigmoid", List.of(c.input(0)), Map.of("alpha", 1.0 / 6, "beta", 0.5));
        last(c, "Mul", List.of(c.input(0), g), Map.of());
    }

    private static void gelu(OnnxExportContext c) {
        if (c.opset() >= 20) {
            simple(c, "Gelu");
            return;
        }
        String d = step(c, "Div", List.of(c.input(0), scalar(c, "sqrt2", Math.sqrt(2))), Map.of());
        String e = step(c, "Erf", List.of(d), Map.of());
        String p = step(c, "Add", List.of(e, scalar(c, "one", 1)), Map.of());
        String m = step(c, "Mul", List.of(c.input(0), p), Map.of());
        last(c, "Mul", List.of(m, scalar(c, "half", 0.5)), Map.of());
    }

    /** Writes the slope as {@code [1]} or, per channel, as {@code [C, 1, ...]} to broadcast over NC.... */
    private static void prelu(Node node, OnnxExportContext c) {
        int rank = node.input().shape().dimension();
        long n = node.parameter("weight").shape().get(0);
        long[] dims = new long[n == 1 ? 1 : rank - 1];
        java.util.Arrays.fill(dims, 1);
        dims[0] = n;
        last(c, "PRelu", List.of(c.input(0), c.parameter("weight", dims)), Map.of());
    }
}
