package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;

/**
 * Maps the ONNX ops with weight matrices: Gemm and MatMul (with a following bias Add) as {@code
 * linear}, Gather on a constant table as {@code embedding}. Each mapping returns false for a
 * configuration Bonsai cannot express (the node is then
 * kept opaque) and throws for a malformed node.
 */
final class DenseMappings extends MappingSupport {

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    DenseMappings(OnnxImporter ctx) {
        super(ctx);
    }

    /**
     * Maps Gemm with a constant B (and C) as {@code linear}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean gemm(NodeProto n) {
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

    /**
     * Maps MatMul with a constant 2-D weight (plus a following Add of a constant bias) as {@code
     * linear}; of two graph values as {@code matmul}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean matMul(NodeProto n) {
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

    /**
     * Maps Gather along axis 0 of a constant 2-D table as {@code embedding}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean embedding(NodeProto n) {
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
}
