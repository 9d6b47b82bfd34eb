package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The normalizations: BatchNormalization (inference mode), LayerNormalization (last axis) and
 * InstanceNormalization, and {@code batch_norm}, {@code layer_norm}, {@code group_norm} and
 * {@code instance_norm} back (layer norm decomposed before opset 17, group norm as
 * reshape / instance norm / reshape / scale / shift).
 */
final class NormCodec extends FamilyCodec {

    @Override
    public Set<OnnxOpId> imports() {
        return Set.of(OnnxOpId.of("BatchNormalization"), OnnxOpId.of("LayerNormalization"),
                OnnxOpId.of("InstanceNormalization"));
    }

    @Override
    public Set<String> exports() {
        return Set.of("batch_norm", "layer_norm", "group_norm", "instance_norm");
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        return switch (n.opType()) {
            case "BatchNormalization" -> batchNorm(n, c);
            case "LayerNormalization" -> layerNorm(n, c);
            default -> instanceNorm(n, c);
        };
    }

    private static boolean extraOutputsUsed(OnnxNode n, OnnxImportContext c) {
        for (int k = 1; k < n.outputs().size(); k++) {
            if (c.isOutputUsed(k)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<List<Value>> batchNorm(OnnxNode n, OnnxImportContext c) {
        for (int k = 1; k <= 4; k++) {
            if (c.constant(k).isEmpty()) {
                return DECLINE;
            }
        }
        if (!isDynamic(c, 0) || n.longAttr("training_mode", 0) != 0 || n.longAttr("spatial", 1) != 1
                || extraOutputsUsed(n, c)) {
            return DECLINE;
        }
        Value x = c.value(0);
        if (x.shape().dimension() < 2) {
            return DECLINE;
        }
        Shape channels = new Shape(x.shape().get(1));
        String name = c.nodeName(1);
        String[] locals = {"weight", "bias", "running_mean", "running_var"};
        for (int k = 0; k < 4; k++) {
            c.parameter(name, locals[k], k + 1, channels);
        }
        return single(c, "batch_norm", name, Attributes.of()
                .with("eps", n.doubleAttr("epsilon", 1e-5f))
                .with("momentum", 1.0 - n.doubleAttr("momentum", 0.9f))
                .with("affine", true), x);
    }

    private static Optional<List<Value>> layerNorm(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0) || c.constant(1).isEmpty() || extraOutputsUsed(n, c) || !absentOrConstant(c, 2)) {
            return DECLINE;
        }
        Value x = c.value(0);
        long axis = n.longAttr("axis", -1);
        if (axis != -1 && axis != x.shape().dimension() - 1) {
            return DECLINE;
        }
        long channels = x.shape().get(x.shape().dimension() - 1);
        String name = c.nodeName(1);
        c.parameter(name, "weight", 1, new Shape(channels));
        if (c.hasInput(2)) {
            c.parameter(name, "bias", 2, new Shape(channels));
        } else {
            c.parameter(name, "bias", c.builder().manager().zeros(new Shape(channels)));
        }
        return single(c, "layer_norm", name, Attributes.of().with("normalized_shape", new long[] {channels})
                .with("eps", n.doubleAttr("epsilon", 1e-5f)).with("elementwise_affine", true), x);
    }

    private static Optional<List<Value>> instanceNorm(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0) || c.constant(1).isEmpty() || c.constant(2).isEmpty()) {
            return DECLINE;
        }
        Value x = c.value(0);
        Shape channels = new Shape(x.shape().get(1));
        String name = c.nodeName(1);
        c.parameter(name, "weight", 1, channels);
        c.parameter(name, "bias", 2, channels);
        return single(c, "instance_norm", name, Attributes.of()
                .with("eps", n.doubleAttr("epsilon", 1e-5f)).with("affine", true), x);
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        switch (node.op().name()) {
            case "batch_norm" -> batchNorm(node, c, a);
            case "layer_norm" -> layerNorm(c, a);
            case "group_norm" -> groupNorm(node, c, a);
            default -> last(c, "InstanceNormalization", List.of(c.input(0), c.parameter("weight"),
                    c.parameter("bias")), Map.of("epsilon", a.getDouble("eps")));
        }
    }

    private static void batchNorm(Node node, OnnxExportContext c, Attributes a) {
        String scale;
        String bias;
        if (node.hasParameter("weight")) {
            scale = c.parameter("weight");
            bias = c.parameter("bias");
        } else {
            long channels = node.input().shape().get(1);
            float[] ones = new float[(int) channels];
            Arrays.fill(ones, 1f);
            scale = c.floats("scale", new long[] {channels}, ones);
            bias = c.floats("bias", new long[] {channels}, new float[(int) channels]);
        }
        last(c, "BatchNormalization", List.of(c.input(0), scale, bias, c.parameter("running_mean"),
                c.parameter("running_var")), Map.of("epsilon", a.getDouble("eps"),
                "momentum", 1 - a.getDouble("momentum")));
    }

    private static void layerNorm(OnnxExportContext c, Attributes a) {
        double eps = a.getDouble("eps");
        boolean affine = a.getBoolean("elementwise_affine");
        if (c.opset() >= 17 && affine) {
            last(c, "LayerNormalization", List.of(c.input(0), c.parameter("weight"), c.parameter("bias")),
                    Map.of("axis", -1L, "epsilon", eps));
            return;
        }
        String x = c.input(0);
        String centered = step(c, "Sub", List.of(x, meanOfLast(c, x)), Map.of());
        String squared = step(c, "Pow", List.of(centered, scalar(c, "two", 2)), Map.of());
        String shifted = step(c, "Add", List.of(meanOfLast(c, squared), scalar(c, "eps", eps)), Map.of());
        String std = step(c, "Sqrt", List.of(shifted), Map.of());
        if (!affine) {
            last(c, "Div", List.of(centered, std), Map.of());
            return;
        }
        String normalized = step(c, "Div", List.of(centered, std), Map.of());
        String scaled = step(c, "Mul", List.of(normalized, c.parameter("weight")), Map.of());
        last(c, "Add", List.of(scaled, c.parameter("bias")), Map.of());
    }

    private static String meanOfLast(OnnxExportContext c, String x) {
        if (c.opset() >= 18) {
            return step(c, "ReduceMean", List.of(x, c.longs("axes", -1)), Map.of("keepdims", 1L));
        }
        return step(c, "ReduceMean", List.of(x), Map.of("axes", new long[] {-1}, "keepdims", 1L));
    }

    private static void groupNorm(Node node, OnnxExportContext c, Attributes a) {
        Shape x = node.input().shape();
        int groups = a.getInt("num_groups");
        float[] ones = new float[groups];
        Arrays.fill(ones, 1f);
        String scale = c.floats("ones", new long[] {groups}, ones);
        String zero = c.floats("zeros", new long[] {groups}, new float[groups]);
        String grouped = step(c, "Reshape", List.of(c.input(0), c.longs("groups", x.get(0), groups, -1)), Map.of());
        String normalized = step(c, "InstanceNormalization", List.of(grouped, scale, zero),
                Map.of("epsilon", a.getDouble("eps")));
        String back = step(c, "Reshape", List.of(normalized, c.longs("shape", x.getShape())), Map.of());
        if (!a.getBoolean("affine")) {
            last(c, "Identity", List.of(back), Map.of());
            return;
        }
        long[] perChannel = new long[x.dimension() - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = x.get(1);
        String scaled = step(c, "Mul", List.of(back, c.parameter("weight", perChannel)), Map.of());
        last(c, "Add", List.of(scaled, c.parameter("bias", perChannel)), Map.of());
    }
}
