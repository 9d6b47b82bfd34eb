package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Maps the ONNX ops that move or cut tensors: Flatten, Reshape, Squeeze, Unsqueeze, Transpose,
 * Concat, Split, Slice. Each mapping returns false for a configuration Bonsai cannot express (the
 * node is then
 * kept opaque) and throws for a malformed node.
 */
final class ShapeMappings extends MappingSupport {

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    ShapeMappings(OnnxImporter ctx) {
        super(ctx);
    }

    /**
     * Maps Flatten at axis 1 as {@code flatten}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean flatten(NodeProto n) {
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

    /**
     * Maps Reshape to a constant shape as {@code reshape} (opaque when the batch dimension
     * changes).
     *
     * @param n the node
     * @return true if mapped
     */
    boolean reshape(NodeProto n) {
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

    /**
     * Maps Squeeze / Unsqueeze as {@code reshape}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean squeezeOrUnsqueeze(NodeProto n) {
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

    /**
     * Maps Transpose as {@code permute}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean transpose(NodeProto n) {
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

    /**
     * Maps Expand of a computed value to a constant shape as {@code expand} (ONNX broadcasts both
     * ways: the output has the broadcast shape of the input and the target).
     *
     * @param n the node
     * @return true if mapped
     */
    boolean expand(NodeProto n) {
        Optional<Operand.Known> shape = ctx.known(n, 1);
        if (!ctx.isDynamic(n, 0) || shape.isEmpty()) {
            return false;
        }
        Value x = ctx.value(n, 0);
        Shape out = Shapes.broadcast(x.shape(), new Shape(shape.get().longs()));
        single(n, "expand", ctx.name(null, List.of(n)), Attributes.of().with("shape", out.getShape()), x);
        return true;
    }

    /**
     * Maps Concat as {@code concat}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean concat(NodeProto n) {
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

    /**
     * Maps Split (sizes from the input, the attribute or equal parts) as {@code split}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean split(NodeProto n) {
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

    /**
     * Maps Slice with constant starts, ends, axes and positive steps as a chain of {@code slice}
     * nodes.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean slice(NodeProto n) {
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
}
