package ai.bonsai.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates nodes whose inputs are all known at import time, so that the shape sub-graphs
 * exporters emit (Shape, Gather, Unsqueeze, Concat, Constant, arithmetic and Mod, Size, ReduceProd,
 * Max/Min feeding Reshape, Expand, Slice, Resize), their shape checks (Equal, Where, Not, And, Or,
 * comparisons; an {@code If} on such a check imports its branch) and their constant tables (Range,
 * Expand, Transpose, ConstantOfShape, Cast: YOLO's anchor grid; ScatterND slice assignments: Swin's
 * attention mask) vanish and their consumers see constants.
 * {@code Shape} of a graph value folds to its static shape, or to the shape inferred ahead for a
 * value a pattern holds back ({@link OnnxImporter#shapeAhead}).
 */
final class ConstantFolder {

    private static final List<String> FOLDABLE = List.of("Gather", "Unsqueeze", "Squeeze", "Concat",
            "Cast", "Add", "Sub", "Mul", "Div", "Reshape", "Identity", "ConstantOfShape", "Slice", "Expand",
            "Transpose", "Equal", "Where", "Range", "Pow", "Not", "And", "Or", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "Max", "Min", "Neg", "Abs", "Floor", "Ceil", "Sqrt", "Size", "ReduceProd", "Mod",
            "ScatterND");

    private final OnnxImporter ctx;

    /**
     * Creates the folder of one import.
     *
     * @param ctx the import
     */
    ConstantFolder(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /**
     * Folds a node when it is a constant computation.
     *
     * @param n the node
     * @return true if its outputs are now constants
     */
    boolean tryFold(NodeProto n) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            return false;
        }
        NDManager m = ctx.builder().manager();
        switch (n.getOpType()) {
            case "Constant" -> {
                ctx.define(n.getOutput(0), new Operand.Known(constant(n, m), n.getOutput(0)));
                return true;
            }
            case "Shape" -> {
                define(n, shapeOf(n, m));
                return true;
            }
            default -> {
            }
        }
        if (!FOLDABLE.contains(n.getOpType()) || n.getOutputCount() != 1) {
            return false;
        }
        for (int k = 0; k < n.getInputCount(); k++) {
            if (!n.getInput(k).isEmpty() && ctx.known(n, k).isEmpty()) {
                return false;
            }
        }
        Optional<NDArray> folded = evaluate(n, m);
        folded.ifPresent(a -> ctx.define(n.getOutput(0), new Operand.Known(a, origin(n, a))));
        return folded.isPresent();
    }

    private void define(NodeProto n, NDArray a) {
        ctx.define(n.getOutput(0), new Operand.Known(a, null));
    }

    /**
     * The initializer a folded value still stands for: the one a {@code Transpose} reorders (a
     * linear weight exported as {@code MatMul(x, Transpose(W))}) or an {@code Expand} leaves as it
     * is (a class token expanded to batch 1); null for computed values.
     */
    private String origin(NodeProto n, NDArray folded) {
        Optional<Operand.Known> x = ctx.known(n, 0);
        boolean keeps = n.getOpType().equals("Transpose")
                || n.getOpType().equals("Expand") && x.isPresent() && x.get().array().getShape().equals(folded.getShape());
        return keeps && x.isPresent() ? x.get().initializer() : null;
    }

    private NDArray in(NodeProto n, int k) {
        return ctx.known(n, k).orElseThrow().array();
    }

    private NDArray constant(NodeProto n, NDManager m) {
        OnnxAttributes at = new OnnxAttributes(n);
        Optional<TensorProto> t = at.tensor("value");
        if (t.isPresent()) {
            return ctx.decode(t.get(), "attribute 'value'");
        }
        if (at.has("value_float")) {
            return m.create(at.f("value_float", 0f));
        }
        if (at.has("value_int")) {
            return m.create(at.i("value_int", 0));
        }
        if (at.has("value_floats")) {
            return m.create(at.floats("value_floats").orElseThrow());
        }
        if (at.has("value_ints")) {
            return m.create(at.ints("value_ints").orElseThrow());
        }
        throw new IllegalArgumentException("Constant has no supported value attribute");
    }

    private NDArray shapeOf(NodeProto n, NDManager m) {
        long[] dims = ctx.shapeAhead(n.getInputCount() > 0 ? n.getInput(0) : "")
                .orElseThrow(() -> new IllegalArgumentException("the shape of input 0 is not known")).getShape();
        OnnxAttributes at = new OnnxAttributes(n);
        int rank = dims.length;
        int start = (int) clampAxis(at.i("start", 0), rank);
        int end = (int) clampAxis(at.i("end", rank), rank);
        return m.create(Arrays.copyOfRange(dims, start, Math.max(start, end)));
    }

    private static long clampAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return Math.max(0, Math.min(rank, a));
    }

    private Optional<NDArray> evaluate(NodeProto n, NDManager m) {
        OnnxAttributes at = new OnnxAttributes(n);
        NDArray x = in(n, 0);
        return switch (n.getOpType()) {
            case "Identity" -> Optional.of(x.duplicate());
            case "Cast" -> OnnxDataType.ofCode((int) at.i("to", 1)).map(t -> x.toType(t.djl(), true));
            case "Add" -> Optional.of(x.add(in(n, 1)));
            case "Sub" -> Optional.of(x.sub(in(n, 1)));
            case "Mul" -> Optional.of(x.mul(in(n, 1)));
            case "Div" -> Optional.of(divide(x, in(n, 1)));
            case "Reshape" -> Optional.of(x.reshape(Shapes.resolve(
                    zerosCopied(ctx.known(n, 1).orElseThrow().longs(), x.getShape()), x.getShape())));
            case "Unsqueeze" -> Optional.of(x.reshape(new Shape(Shapes.unsqueeze(
                    x.getShape().getShape(), axes(n, at)))));
            case "Squeeze" -> Optional.of(x.reshape(new Shape(Shapes.squeeze(
                    x.getShape().getShape(), at.has("axes") || n.getInputCount() > 1 ? axes(n, at) : null))));
            case "Concat" -> Optional.of(concat(n, at));
            case "Gather" -> Optional.of(gather(x, in(n, 1), (int) at.i("axis", 0)));
            case "ConstantOfShape" -> Optional.of(constantOfShape(x, at, m));
            case "Slice" -> slice(n, x);
            case "Expand" -> Optional.of(x.broadcast(Shapes.broadcast(x.getShape(),
                    new Shape(in(n, 1).toType(DataType.INT64, false).toLongArray()))).duplicate());
            case "Transpose" -> Optional.of(transpose(x, at));
            case "Equal" -> Optional.of(x.eq(in(n, 1)));
            case "Where" -> Optional.of(where(x, in(n, 1), in(n, 2)));
            case "Range" -> Optional.of(range(x, in(n, 1), in(n, 2), m));
            case "Pow" -> Optional.of(x.pow(in(n, 1).toType(x.getDataType(), false)));
            case "Not" -> Optional.of(x.logicalNot());
            case "And" -> Optional.of(x.logicalAnd(in(n, 1)));
            case "Or" -> Optional.of(x.logicalOr(in(n, 1)));
            case "Less" -> Optional.of(x.lt(in(n, 1)));
            case "Greater" -> Optional.of(x.gt(in(n, 1)));
            case "LessOrEqual" -> Optional.of(x.lte(in(n, 1)));
            case "GreaterOrEqual" -> Optional.of(x.gte(in(n, 1)));
            case "Max", "Min" -> Optional.of(extremum(n));
            case "Neg" -> Optional.of(x.neg());
            case "Abs" -> Optional.of(x.abs());
            case "Floor" -> Optional.of(x.floor());
            case "Ceil" -> Optional.of(x.ceil());
            case "Sqrt" -> Optional.of(x.sqrt());
            case "Size" -> Optional.of(m.create(x.getShape().size()));
            case "ReduceProd" -> Optional.of(reduceProd(n, at, x));
            case "Mod" -> Optional.of(ConstantKernels.mod(x, in(n, 1), at.i("fmod", 0) != 0));
            case "ScatterND" -> at.s("reduction", "none").equals("none")
                    ? Optional.of(ConstantKernels.scatterNd(x, in(n, 1), in(n, 2))) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** ONNX Where with multidirectional broadcasting (a scalar fill value such as masked_fill's). */
    private static NDArray where(NDArray condition, NDArray a, NDArray b) {
        Shape out = Shapes.broadcast(Shapes.broadcast(condition.getShape(), a.getShape()), b.getShape());
        return NDArrays.where(condition.toType(DataType.BOOLEAN, false).broadcast(out), a.broadcast(out),
                b.broadcast(out)).duplicate();
    }

    private NDArray extremum(NodeProto n) {
        NDArray y = in(n, 0);
        for (int k = 1; k < n.getInputCount(); k++) {
            y = n.getOpType().equals("Max") ? y.maximum(in(n, k)) : y.minimum(in(n, k));
        }
        return y.duplicate();
    }

    /** ReduceProd over the axes of the attribute or input 1 (all when none), as shape products need. */
    private NDArray reduceProd(NodeProto n, OnnxAttributes at, NDArray x) {
        int rank = x.getShape().dimension();
        long[] axes = at.has("axes") || n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? axes(n, at)
                : java.util.stream.LongStream.range(0, rank).toArray();
        if (axes.length == 0) {
            axes = java.util.stream.LongStream.range(0, rank).toArray();
        }
        int[] dims = Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + rank : a)).toArray();
        return x.prod(dims, at.i("keepdims", 1) != 0);
    }

    private static NDArray transpose(NDArray x, OnnxAttributes at) {
        int rank = x.getShape().dimension();
        long[] perm = at.ints("perm").orElseGet(() -> java.util.stream.LongStream.range(0, rank)
                .map(d -> rank - 1 - d).toArray());
        return x.transpose(Arrays.stream(perm).mapToInt(Math::toIntExact).toArray()).duplicate();
    }

    /** ONNX Range: {@code max(ceil((limit - start) / delta), 0)} elements of the start's type. */
    private static NDArray range(NDArray start, NDArray limit, NDArray delta, NDManager m) {
        double s = start.toType(DataType.FLOAT64, false).getDouble();
        double d = delta.toType(DataType.FLOAT64, false).getDouble();
        long count = Math.max((long) Math.ceil((limit.toType(DataType.FLOAT64, false).getDouble() - s) / d), 0);
        double[] values = new double[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = s + i * d;
        }
        return m.create(values).toType(start.getDataType(), false);
    }

    private long[] axes(NodeProto n, OnnxAttributes at) {
        return at.has("axes") ? at.ints("axes").orElseThrow() : ctx.known(n, 1).orElseThrow().longs();
    }

    private static long[] zerosCopied(long[] target, Shape input) {
        long[] t = target.clone();
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0 && i < input.dimension()) {
                t[i] = input.get(i);
            }
        }
        return t;
    }

    private static NDArray divide(NDArray a, NDArray b) {
        if (a.getDataType().isInteger() && b.getDataType().isInteger()) {
            long[] x = a.toLongArray();
            long[] y = b.toLongArray();
            Shape out = a.getShape().size() >= b.getShape().size() ? a.getShape() : b.getShape();
            long[] r = new long[Math.max(x.length, y.length)];
            for (int i = 0; i < r.length; i++) {
                r[i] = x[x.length == 1 ? 0 : i] / y[y.length == 1 ? 0 : i];
            }
            return a.getManager().create(r, out).toType(a.getDataType(), false);
        }
        return a.div(b);
    }

    private NDArray concat(NodeProto n, OnnxAttributes at) {
        NDList parts = new NDList();
        for (int k = 0; k < n.getInputCount(); k++) {
            parts.add(in(n, k));
        }
        return NDArrays.concat(parts, (int) at.i("axis", 0));
    }

    private static NDArray gather(NDArray data, NDArray indices, int axis) {
        int rank = data.getShape().dimension();
        int a = axis < 0 ? axis + rank : axis;
        long length = data.getShape().get(a);
        long[] idx = indices.toType(DataType.INT64, false).toLongArray();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0) {
                idx[i] += length;
            }
        }
        NDArray flatIdx = data.getManager().create(idx);
        NDArray picked = data.get(new NDIndex(":, ".repeat(a) + "{}", flatIdx));
        long[] dims = data.getShape().getShape();
        long[] out = new long[rank - 1 + indices.getShape().dimension()];
        int j = 0;
        for (int d = 0; d < a; d++) {
            out[j++] = dims[d];
        }
        for (long s : indices.getShape().getShape()) {
            out[j++] = s;
        }
        for (int d = a + 1; d < rank; d++) {
            out[j++] = dims[d];
        }
        return picked.reshape(new Shape(out));
    }

    private NDArray constantOfShape(NDArray shape, OnnxAttributes at, NDManager m) {
        Shape s = new Shape(shape.toLongArray());
        Optional<TensorProto> value = at.tensor("value");
        if (value.isEmpty()) {
            return m.zeros(s);
        }
        NDArray v = ctx.decode(value.get(), "attribute 'value'");
        return v.reshape(new Shape()).broadcast(s).duplicate();
    }

    /** Slices along each axis with ONNX's clamping (negative steps included), opset 10 and later. */
    private Optional<NDArray> slice(NodeProto n, NDArray x) {
        if (ctx.opset() < 10) {
            return Optional.empty();
        }
        long[] starts = ctx.known(n, 1).orElseThrow().longs();
        long[] ends = ctx.known(n, 2).orElseThrow().longs();
        int rank = x.getShape().dimension();
        long[] axes = ctx.known(n, 3).map(Operand.Known::longs)
                .orElseGet(() -> java.util.stream.LongStream.range(0, starts.length).toArray());
        long[] steps = ctx.known(n, 4).map(Operand.Known::longs).orElseGet(() -> {
            long[] ones = new long[starts.length];
            Arrays.fill(ones, 1);
            return ones;
        });
        NDArray out = x;
        for (int i = 0; i < axes.length; i++) {
            int axis = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
            long length = x.getShape().get(axis);
            long step = steps[i];
            if (step == 0) {
                throw new IllegalArgumentException("Slice step 0 on axis " + axis);
            }
            long start = starts[i] < 0 ? starts[i] + length : starts[i];
            long end = ends[i] < 0 ? ends[i] + length : ends[i];
            start = step > 0 ? Math.max(0, Math.min(length, start)) : Math.max(0, Math.min(length - 1, start));
            end = step > 0 ? Math.max(0, Math.min(length, end)) : Math.max(-1, Math.min(length - 1, end));
            List<Long> picked = new java.util.ArrayList<>();
            for (long k = start; step > 0 ? k < end : k > end; k += step) {
                picked.add(k);
            }
            NDArray idx = x.getManager().create(picked.stream().mapToLong(Long::longValue).toArray());
            out = gather(out, idx, axis);
        }
        return Optional.of(out);
    }
}
