package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Maps single ONNX ops to Bonsai op types with channel semantics. A mapping returns false for a
 * configuration Bonsai cannot express (the node is then kept opaque) and throws for a malformed
 * node.
 */
final class OpMappings {

    private final OnnxImporter ctx;

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    OpMappings(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /**
     * Maps a node if its op and configuration have a Bonsai equivalent.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean tryMap(NodeProto n) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            return false;
        }
        return switch (n.getOpType()) {
            case "Conv" -> conv(n);
            case "BatchNormalization" -> batchNorm(n);
            case "Gemm" -> gemm(n);
            case "MatMul" -> matMul(n);
            case "Relu" -> unary(n, "relu");
            case "Sigmoid" -> unary(n, "sigmoid");
            case "Tanh" -> unary(n, "tanh");
            case "HardSwish" -> unary(n, "hardswish");
            case "Erf" -> unary(n, "erf");
            case "LeakyRelu" -> unary(n, "leaky_relu", Attributes.of()
                    .with("negative_slope", (double) new OnnxAttributes(n).f("alpha", 0.01f)));
            case "HardSigmoid" -> unary(n, "hard_sigmoid", Attributes.of()
                    .with("alpha", (double) new OnnxAttributes(n).f("alpha", 0.2f))
                    .with("beta", (double) new OnnxAttributes(n).f("beta", 0.5f)));
            case "Gelu" -> "none".equals(new OnnxAttributes(n).s("approximate", "none"))
                    && unary(n, "gelu");
            case "Clip" -> clip(n);
            case "PRelu" -> prelu(n);
            case "Add" -> binary(n, "add");
            case "Sub" -> binary(n, "sub");
            case "Mul" -> binary(n, "mul");
            case "Div" -> binary(n, "div");
            case "MaxPool" -> pool(n, "max_pool2d");
            case "AveragePool" -> pool(n, "avg_pool2d");
            case "GlobalAveragePool" -> globalAveragePool(n);
            case "Flatten" -> flatten(n);
            case "Reshape" -> reshape(n);
            case "Squeeze", "Unsqueeze" -> squeezeOrUnsqueeze(n);
            case "Transpose" -> transpose(n);
            case "Concat" -> concat(n);
            case "Split" -> split(n);
            case "Slice" -> slice(n);
            case "Pad" -> pad(n);
            case "Resize" -> resize(n);
            case "Softmax" -> softmax(n);
            case "ReduceMean" -> reduce(n, "mean");
            case "ReduceSum" -> reduce(n, "sum");
            case "Identity" -> unary(n, "identity");
            case "Dropout" -> dropout(n);
            case "Gather" -> embedding(n);
            case "LayerNormalization" -> layerNorm(n);
            case "InstanceNormalization" -> instanceNorm(n);
            default -> false;
        };
    }

    private GraphBuilder b() {
        return ctx.builder();
    }

    private Value single(NodeProto n, String opType, String name, Attributes a, Value... in) {
        Value out = b().op(opType, name, a, in);
        ctx.define(n.getOutput(0), out);
        return out;
    }

    private boolean unary(NodeProto n, String opType) {
        return unary(n, opType, Attributes.of());
    }

    private boolean unary(NodeProto n, String opType, Attributes a) {
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        single(n, opType, ctx.name(null, List.of(n)), a, ctx.value(n, 0));
        return true;
    }

    private boolean conv(NodeProto n) {
        Optional<Operand.Known> w = ctx.known(n, 1);
        Optional<Operand.Known> bias = ctx.known(n, 2);
        if (!ctx.isDynamic(n, 0) || w.isEmpty() || w.get().array().getShape().dimension() != 4
                || (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && bias.isEmpty())) {
            return false;
        }
        OnnxAttributes at = new OnnxAttributes(n);
        Value x = ctx.value(n, 0);
        Shape ws = w.get().array().getShape();
        long[] kernel = {ws.get(2), ws.get(3)};
        long[] strides = at.ints("strides").orElse(new long[] {1, 1});
        long[] dilations = at.ints("dilations").orElse(new long[] {1, 1});
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
        ctx.supply(name, "weight", w.get(), ws);
        bias.ifPresent(k -> ctx.supply(name, "bias", k, new Shape(ws.get(0))));
        single(n, "conv2d", name, Attributes.of()
                .with("out_channels", ws.get(0))
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", new long[] {pads[0], pads[1]})
                .with("dilation", dilations)
                .with("groups", at.i("group", 1))
                .with("bias", bias.isPresent()), x);
        return true;
    }

    private boolean batchNorm(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        List<Operand.Known> p = new ArrayList<>();
        for (int k = 1; k <= 4; k++) {
            Optional<Operand.Known> c = ctx.known(n, k);
            if (c.isEmpty()) {
                return false;
            }
            p.add(c.get());
        }
        if (!ctx.isDynamic(n, 0) || at.i("training_mode", 0) != 0 || usedOutputs(n) > 1) {
            return false;
        }
        Value x = ctx.value(n, 0);
        if (x.shape().dimension() < 2) {
            return false;
        }
        Shape c = new Shape(x.shape().get(1));
        String name = ctx.name(p.get(0).initializer(), List.of(n));
        String[] locals = {"weight", "bias", "running_mean", "running_var"};
        for (int k = 0; k < 4; k++) {
            ctx.supply(name, locals[k], p.get(k), c);
        }
        single(n, "batch_norm", name, Attributes.of()
                .with("eps", (double) at.f("epsilon", 1e-5f))
                .with("momentum", 1.0 - at.f("momentum", 0.9f))
                .with("affine", true), x);
        return true;
    }

    private int usedOutputs(NodeProto n) {
        int used = 0;
        for (int k = 0; k < n.getOutputCount(); k++) {
            String o = n.getOutput(k);
            if (!o.isEmpty() && (!ctx.consumers(o).isEmpty() || ctx.isGraphOutput(o))) {
                used = k + 1;
            }
        }
        return used;
    }

    private boolean gemm(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        Optional<Operand.Known> w = ctx.known(n, 1);
        boolean hasC = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        Optional<Operand.Known> c = ctx.known(n, 2);
        if (!ctx.isDynamic(n, 0) || w.isEmpty() || at.i("transA", 0) != 0
                || (hasC && c.isEmpty()) || w.get().array().getShape().dimension() != 2) {
            return false;
        }
        Value x = ctx.value(n, 0);
        NDArray weight = w.get().array();
        boolean transB = at.i("transB", 0) != 0;
        long out = weight.getShape().get(transB ? 0 : 1);
        float alpha = at.f("alpha", 1f);
        float beta = at.f("beta", 1f);
        if (x.shape().dimension() != 2) {
            return false;
        }
        String name = ctx.name(w.get().initializer(), List.of(n));
        supplyLinearWeight(name, w.get(), transB, alpha);
        if (hasC) {
            supplyBias(name, c.get(), out, beta);
        }
        single(n, "linear", name, Attributes.of().with("out_features", out).with("bias", hasC), x);
        return true;
    }

    private void supplyLinearWeight(String name, Operand.Known w, boolean rowsAreOutputs, float alpha) {
        NDArray weight = w.array();
        if (rowsAreOutputs && alpha == 1f) {
            ctx.supply(name, "weight", w, weight.getShape());
            return;
        }
        NDArray t = rowsAreOutputs ? weight.duplicate() : weight.transpose().duplicate();
        if (alpha != 1f) {
            t.muli(alpha);
        }
        ctx.supplyArray(name, "weight", t.toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
    }

    private void supplyBias(String name, Operand.Known c, long out, float beta) {
        NDArray bias = c.array();
        if (bias.size() != out && bias.size() != 1) {
            throw new IllegalArgumentException("bias " + bias.getShape() + " does not match "
                    + out + " output features");
        }
        if (bias.size() == out && beta == 1f) {
            ctx.supply(name, "bias", c, new Shape(out));
            return;
        }
        NDArray v = bias.reshape(bias.size()).broadcast(new Shape(out)).mul(beta)
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        ctx.supplyArray(name, "bias", v);
    }

    private boolean matMul(NodeProto n) {
        Optional<Operand.Known> w = ctx.known(n, 1);
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        if (w.isEmpty()) {
            if (!ctx.isDynamic(n, 1)) {
                return false;
            }
            single(n, "matmul", ctx.name(null, List.of(n)), Attributes.of(),
                    ctx.value(n, 0), ctx.value(n, 1));
            return true;
        }
        Value x = ctx.value(n, 0);
        Shape ws = w.get().array().getShape();
        if (ws.dimension() != 2 || x.shape().dimension() < 2
                || x.shape().get(x.shape().dimension() - 1) != ws.get(0)) {
            return false;
        }
        long out = ws.get(1);
        Optional<NodeProto> add = biasAdd(n, out);
        List<NodeProto> members = add.map(a -> List.of(n, a)).orElse(List.of(n));
        String name = ctx.name(w.get().initializer(), members);
        supplyLinearWeight(name, w.get(), false, 1f);
        add.ifPresent(a -> supplyBias(name, otherConstant(a, n.getOutput(0)), out, 1f));
        Value y = b().op("linear", name,
                Attributes.of().with("out_features", out).with("bias", add.isPresent()), x);
        ctx.define(n.getOutput(0), y);
        add.ifPresent(a -> {
            ctx.define(a.getOutput(0), y);
            ctx.markDone(List.of(a));
        });
        return true;
    }

    private Optional<NodeProto> biasAdd(NodeProto matMul, long out) {
        String y = matMul.getOutput(0);
        List<NodeProto> users = ctx.consumers(y);
        if (users.size() != 1 || ctx.isGraphOutput(y) || !users.get(0).getOpType().equals("Add")) {
            return Optional.empty();
        }
        NodeProto add = users.get(0);
        Operand.Known c = otherConstant(add, y);
        return c != null && c.array().getShape().dimension() == 1 && c.array().size() == out
                ? Optional.of(add) : Optional.empty();
    }

    private Operand.Known otherConstant(NodeProto n, String input) {
        int other = n.getInput(0).equals(input) ? 1 : 0;
        return ctx.known(n, other).orElse(null);
    }

    private boolean clip(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        double min;
        double max;
        if (ctx.opset() < 11) {
            min = at.f("min", Float.NEGATIVE_INFINITY);
            max = at.f("max", Float.POSITIVE_INFINITY);
        } else {
            if ((n.getInputCount() > 1 && !n.getInput(1).isEmpty() && ctx.known(n, 1).isEmpty())
                    || (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && ctx.known(n, 2).isEmpty())) {
                return false;
            }
            min = ctx.known(n, 1).map(Operand.Known::scalar).orElse(Double.NEGATIVE_INFINITY);
            max = ctx.known(n, 2).map(Operand.Known::scalar).orElse(Double.POSITIVE_INFINITY);
        }
        if (min == 0 && max == 6) {
            return unary(n, "relu6");
        }
        if (min == 0 && max == Double.POSITIVE_INFINITY) {
            return unary(n, "relu");
        }
        return unary(n, "clip", Attributes.of().with("min", min).with("max", max));
    }

    private boolean prelu(NodeProto n) {
        Optional<Operand.Known> slope = ctx.known(n, 1);
        if (!ctx.isDynamic(n, 0) || slope.isEmpty()) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long size = slope.get().array().size();
        Shape s = slope.get().array().getShape();
        boolean perChannel = x.shape().dimension() >= 2 && size == x.shape().get(1)
                && s.get(0) == size;
        if (size != 1 && !perChannel) {
            return false;
        }
        String name = ctx.name(slope.get().initializer(), List.of(n));
        ctx.supply(name, "weight", slope.get(), new Shape(size));
        single(n, "prelu", name, Attributes.of().with("num_parameters", size), x);
        return true;
    }

    private boolean binary(NodeProto n, String opType) {
        if (!ctx.isDynamic(n, 0) && !ctx.isDynamic(n, 1)) {
            return false;
        }
        single(n, opType, ctx.name(null, List.of(n)), Attributes.of(), ctx.value(n, 0), ctx.value(n, 1));
        return true;
    }

    private boolean pool(NodeProto n, String opType) {
        OnnxAttributes at = new OnnxAttributes(n);
        if (!ctx.isDynamic(n, 0) || usedOutputs(n) > 1) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long[] kernel = at.ints("kernel_shape").orElse(null);
        if (x.shape().dimension() != 4 || kernel == null || kernel.length != 2) {
            return false;
        }
        long[] strides = at.ints("strides").orElse(new long[] {1, 1});
        long[] dilations = at.ints("dilations").orElse(new long[] {1, 1});
        if (dilations[0] != 1 || dilations[1] != 1) {
            return false;
        }
        long[] pads = Padding.of(at, x.shape(), kernel, strides, dilations);
        if (pads == null || pads[0] != pads[2] || pads[1] != pads[3]) {
            return false;
        }
        boolean padded = pads[0] != 0 || pads[1] != 0;
        if (opType.equals("avg_pool2d") && padded && at.i("count_include_pad", 0) == 0) {
            return false;
        }
        single(n, opType, ctx.name(null, List.of(n)), Attributes.of()
                .with("kernel", kernel)
                .with("stride", strides)
                .with("padding", new long[] {pads[0], pads[1]})
                .with("ceil_mode", at.i("ceil_mode", 0) != 0), x);
        return true;
    }

    private boolean globalAveragePool(NodeProto n) {
        if (!ctx.isDynamic(n, 0) || ctx.value(n, 0).shape().dimension() != 4) {
            return false;
        }
        single(n, "adaptive_avg_pool2d", ctx.name(null, List.of(n)),
                Attributes.of().with("output_size", new long[] {1, 1}), ctx.value(n, 0));
        return true;
    }

    private boolean flatten(NodeProto n) {
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long axis = new OnnxAttributes(n).i("axis", 1);
        int rank = x.shape().dimension();
        if (axis < 0) {
            axis += rank;
        }
        if (axis != 1 || rank < 2) {
            return false;
        }
        single(n, "flatten", ctx.name(null, List.of(n)),
                Attributes.of().with("start_dim", 1).with("end_dim", -1), x);
        return true;
    }

    private boolean reshape(NodeProto n) {
        Optional<Operand.Known> shape = ctx.known(n, 1);
        if (!ctx.isDynamic(n, 0) || shape.isEmpty()) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long[] target = shape.get().longs();
        boolean allowZero = new OnnxAttributes(n).i("allowzero", 0) != 0;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0 && !allowZero) {
                if (i >= x.shape().dimension()) {
                    return false;
                }
                target[i] = x.shape().get(i);
            }
        }
        return reshapeTo(n, x, target);
    }

    private boolean reshapeTo(NodeProto n, Value x, long[] target) {
        if (target.length == 0 || (target[0] != -1 && target[0] != x.shape().get(0))) {
            ctx.addOpaque(n, List.of(Shapes.resolve(target, x.shape())));
            return true;
        }
        single(n, "reshape", ctx.name(null, List.of(n)), Attributes.of().with("shape", target), x);
        return true;
    }

    private boolean squeezeOrUnsqueeze(NodeProto n) {
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long[] axes = axes(n, 1).orElse(null);
        long[] dims = n.getOpType().equals("Squeeze")
                ? Shapes.squeeze(x.shape().getShape(), axes)
                : Shapes.unsqueeze(x.shape().getShape(), axes == null ? new long[0] : axes);
        return reshapeTo(n, x, dims);
    }

    private Optional<long[]> axes(NodeProto n, int input) {
        OnnxAttributes at = new OnnxAttributes(n);
        if (at.has("axes")) {
            return at.ints("axes");
        }
        return ctx.known(n, input).map(Operand.Known::longs);
    }

    private boolean transpose(NodeProto n) {
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        Value x = ctx.value(n, 0);
        int rank = x.shape().dimension();
        long[] perm = new OnnxAttributes(n).ints("perm").orElseGet(() -> {
            long[] p = new long[rank];
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
            return p;
        });
        single(n, "permute", ctx.name(null, List.of(n)), Attributes.of().with("dims", perm), x);
        return true;
    }

    private boolean concat(NodeProto n) {
        boolean anyDynamic = false;
        for (int k = 0; k < n.getInputCount(); k++) {
            anyDynamic |= ctx.isDynamic(n, k);
        }
        if (!anyDynamic) {
            return false;
        }
        Value[] in = new Value[n.getInputCount()];
        for (int k = 0; k < in.length; k++) {
            in[k] = ctx.value(n, k);
        }
        single(n, "concat", ctx.name(null, List.of(n)),
                Attributes.of().with("dim", new OnnxAttributes(n).i("axis", 0)), in);
        return true;
    }

    private boolean split(NodeProto n) {
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        OnnxAttributes at = new OnnxAttributes(n);
        Value x = ctx.value(n, 0);
        long axis = at.i("axis", 0);
        int dim = (int) (axis < 0 ? axis + x.shape().dimension() : axis);
        long[] sizes;
        if (at.has("split")) {
            sizes = at.ints("split").orElseThrow();
        } else if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
            Optional<Operand.Known> s = ctx.known(n, 1);
            if (s.isEmpty()) {
                return false;
            }
            sizes = s.get().longs();
        } else {
            int parts = n.getOutputCount();
            long length = x.shape().get(dim);
            long each = (length + parts - 1) / parts;
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.min(each, length - each * i);
            }
        }
        if (sizes.length != n.getOutputCount()) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not "
                    + "match its " + n.getOutputCount() + " outputs");
        }
        List<Value> outs = b().node("split", ctx.name(null, List.of(n)),
                Attributes.of().with("dim", axis).with("sizes", sizes), x);
        for (int k = 0; k < outs.size(); k++) {
            ctx.define(n.getOutput(k), outs.get(k));
        }
        return true;
    }

    private boolean slice(NodeProto n) {
        if (!ctx.isDynamic(n, 0) || ctx.opset() < 10) {
            return false;
        }
        Optional<Operand.Known> starts = ctx.known(n, 1);
        Optional<Operand.Known> ends = ctx.known(n, 2);
        if (starts.isEmpty() || ends.isEmpty()
                || (n.getInputCount() > 3 && !n.getInput(3).isEmpty() && ctx.known(n, 3).isEmpty())
                || (n.getInputCount() > 4 && !n.getInput(4).isEmpty() && ctx.known(n, 4).isEmpty())) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long[] s = starts.get().longs();
        long[] e = ends.get().longs();
        long[] axes = ctx.known(n, 3).map(Operand.Known::longs).orElseGet(() -> {
            long[] a = new long[s.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = i;
            }
            return a;
        });
        long[] steps = ctx.known(n, 4).map(Operand.Known::longs).orElseGet(() -> {
            long[] a = new long[s.length];
            Arrays.fill(a, 1);
            return a;
        });
        for (long step : steps) {
            if (step <= 0) {
                return false;
            }
        }
        String name = ctx.name(null, List.of(n));
        Value y = x;
        for (int i = 0; i < s.length; i++) {
            long length = x.shape().get((int) (axes[i] < 0 ? axes[i] + x.shape().dimension() : axes[i]));
            y = b().op("slice", i == 0 ? name : name + "_" + i, Attributes.of()
                    .with("dim", axes[i])
                    .with("start", Math.max(-length, Math.min(s[i], length)))
                    .with("end", Math.max(-length, Math.min(e[i], length)))
                    .with("step", steps[i]), y);
        }
        ctx.define(n.getOutput(0), y);
        return true;
    }

    private boolean pad(NodeProto n) {
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

    private boolean resize(NodeProto n) {
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

    private boolean softmax(NodeProto n) {
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long axis = new OnnxAttributes(n).i("axis", ctx.opset() < 13 ? 1 : -1);
        int rank = x.shape().dimension();
        long normalized = axis < 0 ? axis + rank : axis;
        if (ctx.opset() < 13 && normalized != rank - 1) {
            return false;
        }
        single(n, "softmax", ctx.name(null, List.of(n)), Attributes.of().with("dim", axis), x);
        return true;
    }

    private boolean reduce(NodeProto n, String opType) {
        if (!ctx.isDynamic(n, 0)) {
            return false;
        }
        OnnxAttributes at = new OnnxAttributes(n);
        Optional<long[]> axes = axes(n, 1);
        if (axes.isEmpty() || axes.get().length == 0) {
            return false;
        }
        single(n, opType, ctx.name(null, List.of(n)), Attributes.of().with("dims", axes.get())
                .with("keepdim", at.i("keepdims", 1) != 0), ctx.value(n, 0));
        return true;
    }

    private boolean dropout(NodeProto n) {
        if (!ctx.isDynamic(n, 0) || usedOutputs(n) > 1) {
            return false;
        }
        double p = ctx.known(n, 1).map(Operand.Known::scalar)
                .orElse((double) new OnnxAttributes(n).f("ratio", 0.5f));
        single(n, "dropout", ctx.name(null, List.of(n)), Attributes.of().with("p", p), ctx.value(n, 0));
        return true;
    }

    private boolean embedding(NodeProto n) {
        Optional<Operand.Known> table = ctx.known(n, 0);
        if (table.isEmpty() || !ctx.isDynamic(n, 1) || new OnnxAttributes(n).i("axis", 0) != 0
                || table.get().array().getShape().dimension() != 2) {
            return false;
        }
        Shape s = table.get().array().getShape();
        String name = ctx.name(table.get().initializer(), List.of(n));
        ctx.supply(name, "weight", table.get(), s);
        single(n, "embedding", name, Attributes.of().with("num_embeddings", s.get(0))
                .with("embedding_dim", s.get(1)), ctx.value(n, 1));
        return true;
    }

    private boolean layerNorm(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        Optional<Operand.Known> scale = ctx.known(n, 1);
        if (!ctx.isDynamic(n, 0) || scale.isEmpty() || usedOutputs(n) > 1
                || (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && ctx.known(n, 2).isEmpty())) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long axis = at.i("axis", -1);
        if (axis != -1 && axis != x.shape().dimension() - 1) {
            return false;
        }
        long c = x.shape().get(x.shape().dimension() - 1);
        String name = ctx.name(scale.get().initializer(), List.of(n));
        ctx.supply(name, "weight", scale.get(), new Shape(c));
        Optional<Operand.Known> bias = ctx.known(n, 2);
        if (bias.isPresent()) {
            ctx.supply(name, "bias", bias.get(), new Shape(c));
        } else {
            ctx.supplyArray(name, "bias", b().manager().zeros(new Shape(c)));
        }
        single(n, "layer_norm", name, Attributes.of().with("normalized_shape", new long[] {c})
                .with("eps", (double) at.f("epsilon", 1e-5f)).with("elementwise_affine", true), x);
        return true;
    }

    private boolean instanceNorm(NodeProto n) {
        Optional<Operand.Known> scale = ctx.known(n, 1);
        Optional<Operand.Known> bias = ctx.known(n, 2);
        if (!ctx.isDynamic(n, 0) || scale.isEmpty() || bias.isEmpty()) {
            return false;
        }
        Value x = ctx.value(n, 0);
        Shape c = new Shape(x.shape().get(1));
        String name = ctx.name(scale.get().initializer(), List.of(n));
        ctx.supply(name, "weight", scale.get(), c);
        ctx.supply(name, "bias", bias.get(), c);
        single(n, "instance_norm", name, Attributes.of()
                .with("eps", (double) new OnnxAttributes(n).f("epsilon", 1e-5f)).with("affine", true), x);
        return true;
    }
}
