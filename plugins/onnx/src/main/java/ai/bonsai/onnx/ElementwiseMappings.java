package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;

/**
 * Maps the element-wise and reducing ONNX ops: Clip, PRelu, Add/Sub/Mul/Div, Softmax,
 * ReduceMean/ReduceSum, Dropout. Each mapping returns false for a configuration Bonsai cannot
 * express (the node is then
 * kept opaque) and throws for a malformed node.
 */
final class ElementwiseMappings extends MappingSupport {

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    ElementwiseMappings(OnnxImporter ctx) {
        super(ctx);
    }

    /**
     * Maps Clip as {@code relu6}, {@code relu} or {@code clip}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean clip(NodeProto n) {
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

    /**
     * Maps PRelu with a shared or per-channel constant slope as {@code prelu}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean prelu(NodeProto n) {
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

    /**
     * Maps Add / Sub / Mul / Div as the broadcasting binary op types.
     *
     * @param n the node
     * @param opType the Bonsai op type
     * @return true if mapped
     */
    boolean binary(NodeProto n, String opType) {
        if (!ctx.isDynamic(n, 0) && !ctx.isDynamic(n, 1)) {
            return false;
        }
        single(n, opType, ctx.name(null, List.of(n)), Attributes.of(), ctx.value(n, 0), ctx.value(n, 1));
        return true;
    }

    /**
     * Maps Softmax as {@code softmax}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean softmax(NodeProto n) {
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

    /**
     * Maps ReduceMean / ReduceSum with constant axes as {@code mean} / {@code sum}.
     *
     * @param n the node
     * @param opType the Bonsai op type
     * @return true if mapped
     */
    boolean reduce(NodeProto n, String opType) {
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

    /**
     * Maps Dropout (mask output unused) as {@code dropout}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean dropout(NodeProto n) {
        if (!ctx.isDynamic(n, 0) || usedOutputs(n) > 1) {
            return false;
        }
        double p = ctx.known(n, 1).map(Operand.Known::scalar)
                .orElse((double) new OnnxAttributes(n).f("ratio", 0.5f));
        single(n, "dropout", ctx.name(null, List.of(n)), Attributes.of().with("p", p), ctx.value(n, 0));
        return true;
    }
}
