package ai.bonsai.onnx;

import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * DJL kernels of standard ONNX ops that have no Bonsai op type, so that graphs holding them run
 * on DJL (to compare with ONNX Runtime, to calibrate or fine-tune): the element-wise ops of
 * {@link #ELEMENTWISE}, LRN, the reductions, GlobalMaxPool, the variadic Max/Min/Sum/Mean,
 * LogSoftmax, Tile, DepthToSpace, SpaceToDepth and Gather (a class token picked from a
 * sequence). Constants come from {@link
 * ForwardContext#scalar}, never from DJL's number overloads.
 */
final class StandardKernels {

    /** The one-input element-wise ops, whose channels pass through ({@code onnx_elementwise}). */
    static final Set<String> ELEMENTWISE = Set.of("Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor",
            "Ceil", "Round", "Sign", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Elu", "Selu", "Celu",
            "Softplus", "Softsign", "ThresholdedRelu", "Mish", "Shrink");

    private static final Set<String> OTHERS = Set.of("LRN", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceMean",
            "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp",
            "GlobalMaxPool", "Max", "Min", "Sum", "Mean", "LogSoftmax", "Tile", "DepthToSpace", "SpaceToDepth",
            "Gather");

    private StandardKernels() {
    }

    /**
     * Tells whether an op runs here.
     *
     * @param opType the default-domain op type
     * @return true if it has a kernel
     */
    static boolean runs(String opType) {
        return ELEMENTWISE.contains(opType) || OTHERS.contains(opType);
    }

    /**
     * Runs an op.
     *
     * @param at the node's attributes
     * @param opType the op type
     * @param opset the default-domain opset of its form
     * @param in the inputs by slot, null for an absent one
     * @param c the pass
     * @return the first output, or empty when the op (in this configuration) has no kernel
     */
    static Optional<NDArray> run(OnnxAttributes at, String opType, long opset, List<NDArray> in, ForwardContext c) {
        NDArray x = in.get(0);
        if (ELEMENTWISE.contains(opType)) {
            return Optional.of(elementwise(at, opType, x, c));
        }
        if (opType.startsWith("Reduce")) {
            return reduce(at, opType, in);
        }
        return switch (opType) {
            case "LRN" -> Optional.of(lrn(at, x, c));
            case "GlobalMaxPool" -> Optional.of(eachAxis(x, IntStream.range(2, x.getShape().dimension()).toArray(),
                    true, (a, d) -> a.max(new int[] {d}, true)));
            case "Max", "Min", "Sum", "Mean" -> Optional.of(variadic(opType, in, c));
            case "LogSoftmax" -> logSoftmax(at, opset, x);
            case "Tile" -> Optional.of(x.tile(in.get(1).toType(DataType.INT64, false).toLongArray()));
            case "DepthToSpace" -> Optional.of(depthToSpace(at, x));
            case "SpaceToDepth" -> Optional.of(spaceToDepth(at, x));
            case "Gather" -> Optional.of(gather(at, x, in.get(1), c));
            default -> Optional.empty();
        };
    }

    private static NDArray elementwise(OnnxAttributes at, String opType, NDArray x, ForwardContext c) {
        NDArray zero = c.scalar(0, x);
        return switch (opType) {
            case "Abs" -> x.abs();
            case "Neg" -> x.neg();
            case "Exp" -> x.exp();
            case "Log" -> x.log();
            case "Sqrt" -> x.sqrt();
            case "Reciprocal" -> c.scalar(1, x).div(x);
            case "Floor" -> x.floor();
            case "Ceil" -> x.ceil();
            case "Round" -> x.round();
            case "Sign" -> x.sign();
            case "Tan" -> x.tan();
            case "Asin" -> x.asin();
            case "Acos" -> x.acos();
            case "Atan" -> x.atan();
            case "Sinh" -> x.sinh();
            case "Cosh" -> x.cosh();
            case "Elu" -> elu(x, at.f("alpha", 1f), c);
            case "Selu" -> elu(x, at.f("alpha", 1.67326319217681884765625f), c)
                    .mul(c.scalar(at.f("gamma", 1.05070102214813232421875f), x));
            case "Celu" -> {
                NDArray alpha = c.scalar(at.f("alpha", 1f), x);
                yield x.maximum(zero).add(x.div(alpha).exp().sub(c.scalar(1, x)).mul(alpha).minimum(zero));
            }
            case "Softplus" -> softplus(x, c);
            case "Softsign" -> x.div(x.abs().add(c.scalar(1, x)));
            case "ThresholdedRelu" -> NDArrays.where(x.gt(c.scalar(at.f("alpha", 1f), x)), x, zero);
            case "Mish" -> x.mul(softplus(x, c).tanh());
            default -> shrink(x, at.f("lambd", 0.5f), at.f("bias", 0f), c);
        };
    }

    private static NDArray elu(NDArray x, float alpha, ForwardContext c) {
        NDArray negative = x.exp().sub(c.scalar(1, x)).mul(c.scalar(alpha, x));
        return NDArrays.where(x.gt(c.scalar(0, x)), x, negative);
    }

    private static NDArray softplus(NDArray x, ForwardContext c) {
        return x.exp().add(c.scalar(1, x)).log();
    }

    private static NDArray shrink(NDArray x, float lambd, float bias, ForwardContext c) {
        NDArray low = NDArrays.where(x.lt(c.scalar(-lambd, x)), x.add(c.scalar(bias, x)), c.scalar(0, x));
        return NDArrays.where(x.gt(c.scalar(lambd, x)), x.sub(c.scalar(bias, x)), low);
    }

    /** ONNX LRN: x / (bias + alpha / size * sum of the squares of the size channels around)^beta. */
    private static NDArray lrn(OnnxAttributes at, NDArray x, ForwardContext c) {
        long size = at.i("size", 1);
        long before = (size - 1) / 2;
        long after = size - 1 - before;
        long channels = x.getShape().get(1);
        NDArray squares = x.mul(x);
        long[] padShape = x.getShape().getShape().clone();
        padShape[1] = before;
        NDArray head = c.manager().zeros(new Shape(padShape), x.getDataType());
        padShape[1] = after;
        NDArray tail = c.manager().zeros(new Shape(padShape), x.getDataType());
        NDArray padded = NDArrays.concat(new ai.djl.ndarray.NDList(head, squares, tail), 1);
        NDArray sum = padded.get(new NDIndex(":, 0:{}", channels));
        for (long k = 1; k < size; k++) {
            sum = sum.add(padded.get(new NDIndex(":, {}:{}", k, k + channels)));
        }
        NDArray denominator = sum.mul(c.scalar(at.f("alpha", 1e-4f) / size, x)).add(c.scalar(at.f("bias", 1f), x))
                .pow(c.scalar(at.f("beta", 0.75f), x));
        return x.div(denominator);
    }

    private static Optional<NDArray> reduce(OnnxAttributes at, String opType, List<NDArray> in) {
        NDArray x = in.get(0);
        int rank = x.getShape().dimension();
        long[] axes = at.ints("axes").orElseGet(() -> in.size() > 1 && in.get(1) != null
                ? in.get(1).toType(DataType.INT64, false).toLongArray() : new long[0]);
        if (axes.length == 0 && at.i("noop_with_empty_axes", 0) != 0) {
            return Optional.of(x.duplicate());
        }
        int[] dims = axes.length == 0 ? IntStream.range(0, rank).toArray()
                : java.util.Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + rank : a)).toArray();
        boolean keep = at.i("keepdims", 1) != 0;
        return Optional.of(switch (opType) {
            case "ReduceMax" -> eachAxis(x, dims, keep, (a, d) -> a.max(new int[] {d}, true));
            case "ReduceMin" -> eachAxis(x, dims, keep, (a, d) -> a.min(new int[] {d}, true));
            case "ReduceSum" -> x.sum(dims, keep);
            case "ReduceMean" -> x.mean(dims, keep);
            case "ReduceProd" -> eachAxis(x, dims, keep, (a, d) -> a.prod(new int[] {d}, true));
            case "ReduceL1" -> x.abs().sum(dims, keep);
            case "ReduceL2" -> x.mul(x).sum(dims, keep).sqrt();
            case "ReduceSumSquare" -> x.mul(x).sum(dims, keep);
            case "ReduceLogSum" -> x.sum(dims, keep).log();
            default -> x.exp().sum(dims, keep).log();
        });
    }

    /** Reduces one axis after the other (the engine's max, min and prod take one axis). */
    private static NDArray eachAxis(NDArray x, int[] dims, boolean keep,
            java.util.function.BiFunction<NDArray, Integer, NDArray> reduce) {
        NDArray y = x;
        for (int d : dims) {
            y = reduce.apply(y, d);
        }
        if (keep) {
            return y;
        }
        long[] shape = y.getShape().getShape();
        java.util.Set<Integer> dropped = new java.util.HashSet<>();
        for (int d : dims) {
            dropped.add(d);
        }
        return y.reshape(new Shape(IntStream.range(0, shape.length).filter(i -> !dropped.contains(i))
                .mapToLong(i -> shape[i]).toArray()));
    }

    private static NDArray variadic(String opType, List<NDArray> in, ForwardContext c) {
        NDArray y = in.get(0);
        for (int k = 1; k < in.size(); k++) {
            NDArray v = in.get(k);
            y = switch (opType) {
                case "Max" -> y.maximum(v);
                case "Min" -> y.minimum(v);
                default -> y.add(v);
            };
        }
        return opType.equals("Mean") ? y.div(c.scalar(in.size(), y)) : y.duplicate();
    }

    /** LogSoftmax over one axis; before opset 13 the input is flattened from the axis, so only the last axis maps. */
    private static Optional<NDArray> logSoftmax(OnnxAttributes at, long opset, NDArray x) {
        int rank = x.getShape().dimension();
        long axis = at.i("axis", opset < 13 ? 1 : -1);
        int a = (int) (axis < 0 ? axis + rank : axis);
        return opset < 13 && a != rank - 1 ? Optional.empty() : Optional.of(x.logSoftmax(a));
    }

    /** Gather along an axis: data's dimensions before it, the indices' dimensions, data's after it. */
    private static NDArray gather(OnnxAttributes at, NDArray x, NDArray indices, ForwardContext c) {
        long[] s = x.getShape().getShape();
        int axis = (int) (at.i("axis", 0) < 0 ? at.i("axis", 0) + s.length : at.i("axis", 0));
        long[] idx = indices.toType(DataType.INT64, false).toLongArray();
        for (int i = 0; i < idx.length; i++) {
            idx[i] = idx[i] < 0 ? idx[i] + s[axis] : idx[i];
        }
        NDArray picked = x.get(new NDIndex(":, ".repeat(axis) + "{}", c.manager().create(idx)));
        long[] out = new long[s.length - 1 + indices.getShape().dimension()];
        System.arraycopy(s, 0, out, 0, axis);
        System.arraycopy(indices.getShape().getShape(), 0, out, axis, indices.getShape().dimension());
        System.arraycopy(s, axis + 1, out, axis + indices.getShape().dimension(), s.length - axis - 1);
        return picked.reshape(new Shape(out));
    }

    private static NDArray depthToSpace(OnnxAttributes at, NDArray x) {
        long b = at.i("blocksize", 1);
        long[] s = x.getShape().getShape();
        long c = s[1] / (b * b);
        NDArray y = at.s("mode", "DCR").equals("CRD")
                ? x.reshape(s[0], c, b, b, s[2], s[3]).transpose(0, 1, 4, 2, 5, 3)
                : x.reshape(s[0], b, b, c, s[2], s[3]).transpose(0, 3, 4, 1, 5, 2);
        return y.reshape(s[0], c, s[2] * b, s[3] * b);
    }

    private static NDArray spaceToDepth(OnnxAttributes at, NDArray x) {
        long b = at.i("blocksize", 1);
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], s[2] / b, b, s[3] / b, b).transpose(0, 3, 5, 1, 2, 4)
                .reshape(s[0], s[1] * b * b, s[2] / b, s[3] / b);
    }
}
