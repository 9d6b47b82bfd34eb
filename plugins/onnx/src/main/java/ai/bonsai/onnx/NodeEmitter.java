package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Writes each Bonsai node as ONNX nodes of the target opset, with its parameters as initializers
 * (named by their full Bonsai names) and the original ONNX node names where the reader recorded
 * them.
 */
final class NodeEmitter {

    private final Graph graph;
    private final GraphProto.Builder out;
    private final Map<Value, String> valueNames;
    private final long opset;
    private Node node;
    private List<String> originalNames;
    private int emitted;

    /**
     * Creates an emitter.
     *
     * @param graph the graph being written
     * @param out the ONNX graph being built
     * @param valueNames the ONNX name of every value
     * @param opset the target opset
     */
    NodeEmitter(Graph graph, GraphProto.Builder out, Map<Value, String> valueNames, long opset) {
        this.graph = graph;
        this.out = out;
        this.valueNames = valueNames;
        this.opset = opset;
    }

    /**
     * Emits one node.
     *
     * @param n the node
     * @throws ModelFormatException naming the node when its op type cannot be written
     */
    void emit(Node n) {
        this.node = n;
        this.emitted = 0;
        String recorded = graph.metadata().get(OnnxMetadata.NODE_NAMES_PREFIX + n.name());
        this.originalNames = recorded == null ? List.of() : List.of(recorded.split("\n", -1));
        Attributes a = n.attributes();
        switch (n.op().name()) {
            case "conv2d" -> conv("Conv", a);
            case "conv_transpose1d", "conv_transpose2d" -> conv("ConvTranspose", a);
            case "batch_norm" -> batchNorm(a);
            case "linear" -> linear();
            case "layer_norm" -> layerNorm(a);
            case "group_norm" -> groupNorm(a);
            case "instance_norm" -> add("InstanceNormalization", ins(in(0), param("weight"), param("bias")),
                    outs(), floatAttr("epsilon", a.getDouble("eps")));
            case "relu" -> simple("Relu");
            case "sigmoid" -> simple("Sigmoid");
            case "tanh" -> simple("Tanh");
            case "identity", "dropout" -> simple("Identity");
            case "relu6" -> add("Clip", ins(in(0), scalar("min", 0f), scalar("max", 6f)), outs());
            case "clip" -> add("Clip", ins(in(0), bound("min", a.getDouble("min")),
                    bound("max", a.getDouble("max"))), outs());
            case "erf" -> simple("Erf");
            case "leaky_relu" -> add("LeakyRelu", ins(in(0)), outs(),
                    floatAttr("alpha", a.getDouble("negative_slope")));
            case "hard_sigmoid" -> add("HardSigmoid", ins(in(0)), outs(),
                    floatAttr("alpha", a.getDouble("alpha")), floatAttr("beta", a.getDouble("beta")));
            case "hardswish" -> hardswish();
            case "silu" -> silu();
            case "gelu" -> gelu();
            case "prelu" -> prelu();
            case "add" -> binary("Add");
            case "sub" -> binary("Sub");
            case "mul" -> binary("Mul");
            case "div" -> binary("Div");
            case "matmul" -> binary("MatMul");
            case "max_pool2d", "avg_pool2d" -> pool(a);
            case "adaptive_avg_pool2d" -> adaptivePool(a);
            case "flatten", "reshape", "expand" -> reshapeTo(n.op().name().equals("expand") ? "Expand" : "Reshape");
            case "concat" -> add("Concat", allInputs(), outs(), intAttr("axis", a.getLong("dim")));
            case "split", "chunk" -> split(a);
            case "slice" -> slice(a);
            case "permute" -> add("Transpose", ins(in(0)), outs(), intsAttr("perm", perm(a.getLongs("dims"))));
            case "transpose" -> transpose(a);
            case "softmax" -> softmax(a);
            case "mean" -> reduce("ReduceMean", a, 18);
            case "sum" -> reduce("ReduceSum", a, 13);
            case "pad" -> pad(a);
            case "upsample" -> upsample(a);
            case "embedding" -> add("Gather", ins(param("weight"), in(0)), outs(), intAttr("axis", 0));
            case OnnxConstantOp.NAME -> out.addInitializer(TensorEncoder.encode(
                    valueNames.get(n.output()), n.parameter("value").array()));
            case OnnxOpaqueOp.NAME -> opaque(a);
            default -> throw new ModelFormatException("node '" + n.name() + "': op type '"
                    + n.op().name() + "' cannot be written to ONNX");
        }
    }

    // ---- building blocks ----

    private String in(int k) {
        return valueNames.get(node.inputs().get(k));
    }

    private List<String> ins(String... names) {
        return List.of(names);
    }

    private List<String> allInputs() {
        List<String> l = new ArrayList<>();
        for (Value v : node.inputs()) {
            l.add(valueNames.get(v));
        }
        return l;
    }

    private List<String> outs() {
        List<String> l = new ArrayList<>();
        for (Value v : node.outputs()) {
            l.add(valueNames.get(v));
        }
        return l;
    }

    private String param(String local) {
        Parameter p = node.parameter(local);
        out.addInitializer(TensorEncoder.encode(p.name(), p.array()));
        return p.name();
    }

    private String temp(String what) {
        return node.name() + "/" + what;
    }

    private String scalar(String what, float v) {
        String name = temp(what);
        out.addInitializer(TensorEncoder.floats(name, new long[0], v));
        return name;
    }

    private String bound(String what, double v) {
        return Double.isInfinite(v) ? "" : scalar(what, (float) v);
    }

    private String longs(String what, long... v) {
        String name = temp(what);
        out.addInitializer(TensorEncoder.longs(name, v));
        return name;
    }

    private String add(String opType, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(opType).setName(nextName(opType))
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        out.addNode(b);
        return outputs.isEmpty() ? null : outputs.get(0);
    }

    private String step(String opType, List<String> inputs, AttributeProto... attrs) {
        return add(opType, inputs, List.of(temp(opType + "_" + emitted)), attrs);
    }

    private String nextName(String opType) {
        int k = emitted++;
        if (k < originalNames.size() && !originalNames.get(k).isEmpty()) {
            return originalNames.get(k);
        }
        return k == 0 && originalNames.isEmpty() ? node.name() : node.name() + "/" + opType + "_" + k;
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                .setI(v).build();
    }

    private static AttributeProto floatAttr(String name, double v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF((float) v).build();
    }

    private static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    private long[] perm(long[] dims) {
        int rank = node.input().shape().dimension();
        long[] p = dims.clone();
        for (int i = 0; i < p.length; i++) {
            if (p[i] < 0) {
                p[i] += rank;
            }
        }
        return p;
    }

    // ---- op types ----

    private void simple(String opType) {
        add(opType, ins(in(0)), outs());
    }

    private void binary(String opType) {
        add(opType, ins(in(0), in(1)), outs());
    }

    /** Writes a plain or transposed convolution; the weight layouts are PyTorch's and ONNX's alike. */
    private void conv(String opType, Attributes a) {
        long[] p = a.getLongs("padding");
        List<String> inputs = new ArrayList<>(ins(in(0), param("weight")));
        if (node.hasParameter("bias")) {
            inputs.add(param("bias"));
        }
        List<AttributeProto> attrs = new ArrayList<>(List.of(
                intsAttr("dilations", a.getLongs("dilation")),
                intAttr("group", a.getLong("groups")),
                intsAttr("kernel_shape", a.getLongs("kernel"))));
        if (opType.equals("ConvTranspose")) {
            attrs.add(intsAttr("output_padding", a.getLongs("output_padding")));
        }
        attrs.add(intsAttr("pads", LongStream.concat(LongStream.of(p), LongStream.of(p)).toArray()));
        attrs.add(intsAttr("strides", a.getLongs("stride")));
        add(opType, inputs, outs(), attrs.toArray(new AttributeProto[0]));
    }

    private void batchNorm(Attributes a) {
        long c = node.input().shape().get(1);
        String scale;
        String bias;
        if (node.hasParameter("weight")) {
            scale = param("weight");
            bias = param("bias");
        } else {
            float[] ones = new float[(int) c];
            java.util.Arrays.fill(ones, 1f);
            scale = temp("scale");
            out.addInitializer(TensorEncoder.floats(scale, new long[] {c}, ones));
            bias = temp("bias");
            out.addInitializer(TensorEncoder.floats(bias, new long[] {c}, new float[(int) c]));
        }
        add("BatchNormalization", ins(in(0), scale, bias, param("running_mean"), param("running_var")),
                outs(), floatAttr("epsilon", a.getDouble("eps")),
                floatAttr("momentum", 1 - a.getDouble("momentum")));
    }

    private void linear() {
        if (node.input().shape().dimension() == 2) {
            List<String> inputs = new ArrayList<>(ins(in(0), param("weight")));
            if (node.hasParameter("bias")) {
                inputs.add(param("bias"));
            }
            add("Gemm", inputs, outs(), floatAttr("alpha", 1), floatAttr("beta", 1), intAttr("transB", 1));
            return;
        }
        Parameter w = node.parameter("weight");
        String wt = w.name() + "_t";
        out.addInitializer(TensorEncoder.encode(wt, w.array().transpose().duplicate()));
        if (node.hasParameter("bias")) {
            String y = step("MatMul", ins(in(0), wt));
            add("Add", ins(y, param("bias")), outs());
        } else {
            add("MatMul", ins(in(0), wt), outs());
        }
    }

    private void layerNorm(Attributes a) {
        double eps = a.getDouble("eps");
        boolean affine = a.getBoolean("elementwise_affine");
        if (opset >= 17 && affine) {
            add("LayerNormalization", ins(in(0), param("weight"), param("bias")), outs(),
                    intAttr("axis", -1), floatAttr("epsilon", eps));
            return;
        }
        String mean = reduceLast(in(0));
        String centered = step("Sub", ins(in(0), mean));
        String squared = step("Pow", ins(centered, scalar("two", 2f)));
        String var = reduceLast(squared);
        String shifted = step("Add", ins(var, scalar("eps", (float) eps)));
        String std = step("Sqrt", ins(shifted));
        if (!affine) {
            add("Div", ins(centered, std), outs());
            return;
        }
        String normalized = step("Div", ins(centered, std));
        String scaled = step("Mul", ins(normalized, param("weight")));
        add("Add", ins(scaled, param("bias")), outs());
    }

    private String reduceLast(String x) {
        if (opset >= 18) {
            return step("ReduceMean", ins(x, longs("axes_" + emitted, -1)), intAttr("keepdims", 1));
        }
        return step("ReduceMean", ins(x), intsAttr("axes", -1), intAttr("keepdims", 1));
    }

    private void groupNorm(Attributes a) {
        Shape x = node.input().shape();
        long c = x.get(1);
        int groups = a.getInt("num_groups");
        float[] ones = new float[groups];
        java.util.Arrays.fill(ones, 1f);
        String scale = temp("ones");
        out.addInitializer(TensorEncoder.floats(scale, new long[] {groups}, ones));
        String zero = temp("zeros");
        out.addInitializer(TensorEncoder.floats(zero, new long[] {groups}, new float[groups]));
        String grouped = step("Reshape", ins(in(0), longs("groups", x.get(0), groups, -1)));
        String normalized = step("InstanceNormalization", ins(grouped, scale, zero),
                floatAttr("epsilon", a.getDouble("eps")));
        String back = step("Reshape", ins(normalized, longs("shape", x.getShape())));
        if (!a.getBoolean("affine")) {
            add("Identity", ins(back), outs());
            return;
        }
        long[] perChannel = new long[x.dimension() - 1];
        java.util.Arrays.fill(perChannel, 1);
        perChannel[0] = c;
        Parameter w = node.parameter("weight");
        Parameter b = node.parameter("bias");
        out.addInitializer(TensorEncoder.encode(w.name(), w.array(), perChannel));
        out.addInitializer(TensorEncoder.encode(b.name(), b.array(), perChannel));
        String scaled = step("Mul", ins(back, w.name()));
        add("Add", ins(scaled, b.name()), outs());
    }

    private void gelu() {
        if (opset >= 20) {
            simple("Gelu");
            return;
        }
        String d = step("Div", ins(in(0), scalar("sqrt2", (float) Math.sqrt(2))));
        String e = step("Erf", ins(d));
        String p = step("Add", ins(e, scalar("one", 1f)));
        String m = step("Mul", ins(in(0), p));
        add("Mul", ins(m, scalar("half", 0.5f)), outs());
    }

    private void hardswish() {
        if (opset >= 14) {
            simple("HardSwish");
            return;
        }
        String g = step("HardSigmoid", ins(in(0)), floatAttr("alpha", 1.0 / 6), floatAttr("beta", 0.5));
        add("Mul", ins(in(0), g), outs());
    }

    private void silu() {
        String s = step("Sigmoid", ins(in(0)));
        add("Mul", ins(in(0), s), outs());
    }

    private void prelu() {
        Parameter w = node.parameter("weight");
        int rank = node.input().shape().dimension();
        long n = w.shape().get(0);
        long[] dims;
        if (n == 1) {
            dims = new long[] {1};
        } else {
            dims = new long[rank - 1];
            java.util.Arrays.fill(dims, 1);
            dims[0] = n;
        }
        out.addInitializer(TensorEncoder.encode(w.name(), w.array(), dims));
        add("PRelu", ins(in(0), w.name()), outs());
    }

    private void pool(Attributes a) {
        long[] p = a.getLongs("padding");
        boolean max = node.op().name().equals("max_pool2d");
        List<AttributeProto> attrs = new ArrayList<>(List.of(
                intAttr("ceil_mode", a.getBoolean("ceil_mode") ? 1 : 0),
                intsAttr("kernel_shape", a.getLongs("kernel")),
                intsAttr("pads", p[0], p[1], p[0], p[1]),
                intsAttr("strides", a.getLongs("stride"))));
        if (!max) {
            attrs.add(intAttr("count_include_pad", 1));
        }
        add(max ? "MaxPool" : "AveragePool", ins(in(0)), outs(), attrs.toArray(new AttributeProto[0]));
    }

    private void adaptivePool(Attributes a) {
        long[] size = a.getLongs("output_size");
        Shape x = node.input().shape();
        if (size[0] == 1 && size[1] == 1) {
            simple("GlobalAveragePool");
            return;
        }
        if (x.get(2) % size[0] != 0 || x.get(3) % size[1] != 0) {
            throw new ModelFormatException("node '" + node.name() + "': adaptive average pooling from "
                    + x + " to " + java.util.Arrays.toString(size)
                    + " has uneven windows and no ONNX equivalent");
        }
        long kh = x.get(2) / size[0];
        long kw = x.get(3) / size[1];
        add("AveragePool", ins(in(0)), outs(), intsAttr("kernel_shape", kh, kw),
                intsAttr("strides", kh, kw));
    }

    private void reshapeTo(String opType) {
        long[] shape = node.output().shape().getShape().clone();
        if (shape.length > 0 && node.input().shape().dimension() > 0
                && shape[0] == node.input().shape().get(0)) {
            shape[0] = opType.equals("Reshape") ? 0 : 1;
        }
        add(opType, ins(in(0), longs("shape", shape)), outs());
    }

    private void split(Attributes a) {
        int dim = (int) (node.attributes().has("dim") ? a.getLong("dim") : 0);
        long[] sizes = new long[node.outputs().size()];
        int rank = node.input().shape().dimension();
        int d = dim < 0 ? dim + rank : dim;
        for (int k = 0; k < sizes.length; k++) {
            sizes[k] = node.outputs().get(k).shape().get(d);
        }
        if (opset >= 13) {
            add("Split", ins(in(0), longs("split", sizes)), outs(), intAttr("axis", d));
        } else {
            add("Split", ins(in(0)), outs(), intAttr("axis", d), intsAttr("split", sizes));
        }
    }

    private void slice(Attributes a) {
        long step = a.has("step") ? a.getLong("step") : 1;
        add("Slice", ins(in(0), longs("starts", a.getLong("start")), longs("ends", a.getLong("end")),
                longs("axes", a.getLong("dim")), longs("steps", step)), outs());
    }

    private void transpose(Attributes a) {
        int rank = node.input().shape().dimension();
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        long d0 = a.getLong("dim0") < 0 ? a.getLong("dim0") + rank : a.getLong("dim0");
        long d1 = a.getLong("dim1") < 0 ? a.getLong("dim1") + rank : a.getLong("dim1");
        perm[(int) d0] = d1;
        perm[(int) d1] = d0;
        add("Transpose", ins(in(0)), outs(), intsAttr("perm", perm));
    }

    private void softmax(Attributes a) {
        int rank = node.input().shape().dimension();
        long dim = a.getLong("dim") < 0 ? a.getLong("dim") + rank : a.getLong("dim");
        if (opset < 13 && dim != rank - 1) {
            throw new ModelFormatException("node '" + node.name() + "': softmax over dimension "
                    + dim + " of rank " + rank + " has no Softmax equivalent before opset 13");
        }
        add("Softmax", ins(in(0)), outs(), intAttr("axis", dim));
    }

    private void reduce(String opType, Attributes a, long axesAsInputSince) {
        long keep = a.getBoolean("keepdim") ? 1 : 0;
        if (opset >= axesAsInputSince) {
            add(opType, ins(in(0), longs("axes", a.getLongs("dims"))), outs(), intAttr("keepdims", keep));
        } else {
            add(opType, ins(in(0)), outs(), intsAttr("axes", a.getLongs("dims")), intAttr("keepdims", keep));
        }
    }

    private void pad(Attributes a) {
        long[] torch = a.getLongs("pads");
        int rank = node.input().shape().dimension();
        long[] onnx = new long[2 * rank];
        for (int k = 0; k < torch.length / 2; k++) {
            int d = rank - 1 - k;
            onnx[d] = torch[2 * k];
            onnx[d + rank] = torch[2 * k + 1];
        }
        add("Pad", ins(in(0), longs("pads", onnx), scalar("value", (float) a.getDouble("value"))),
                outs(), stringAttr("mode", "constant"));
    }

    private void upsample(Attributes a) {
        long[] s = a.getLongs("scale");
        String scales = temp("scales");
        out.addInitializer(TensorEncoder.floats(scales, new long[] {4}, 1f, 1f, s[0], s[1]));
        String roi = "";
        if (opset < 13) {
            roi = temp("roi");
            out.addInitializer(TensorEncoder.floats(roi, new long[] {0}));
        }
        if (a.getString("mode").equals("nearest")) {
            add("Resize", ins(in(0), roi, scales), outs(), stringAttr("mode", "nearest"),
                    stringAttr("coordinate_transformation_mode", "asymmetric"),
                    stringAttr("nearest_mode", "floor"));
        } else {
            add("Resize", ins(in(0), roi, scales), outs(), stringAttr("mode", "linear"),
                    stringAttr("coordinate_transformation_mode", "pytorch_half_pixel"));
        }
    }

    private void opaque(Attributes a) {
        NodeProto template;
        try {
            template = NodeProto.parseFrom(Base64.getDecoder().decode(a.getString("onnx_node")));
        } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
            throw new ModelFormatException("node '" + node.name() + "': attribute onnx_node is corrupt", e);
        }
        List<String> inputs = new ArrayList<>();
        int next = 0;
        for (String slot : template.getInputList()) {
            inputs.add(slot.isEmpty() ? "" : in(next++));
        }
        List<String> outputs = new ArrayList<>();
        List<String> produced = outs();
        int made = 0;
        for (String slot : template.getOutputList()) {
            outputs.add(slot.isEmpty() ? "" : produced.get(made++));
        }
        NodeProto.Builder b = template.toBuilder().clearInput().clearOutput()
                .setName(nextName(template.getOpType())).addAllInput(inputs).addAllOutput(outputs);
        out.addNode(b);
    }
}
