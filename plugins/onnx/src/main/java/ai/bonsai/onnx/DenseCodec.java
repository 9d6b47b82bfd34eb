package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dense ops: Gemm with a constant B (and C) and MatMul with a constant 2-D weight as
 * {@code linear}, MatMul of two computed values as {@code matmul}, Gather along axis 0 of a
 * constant 2-D table as {@code embedding} (of a computed value by constant indices through
 * {@link GatherSlice}), and back ({@code linear} as Gemm on 2-D inputs, else as MatMul by the
 * transposed weight plus Add; Gemm takes a zero bias before opset 11, where C is required).
 * MatMul followed by the Add of a constant bias is
 * one {@code linear} through {@link Patterns}.
 */
final class DenseCodec extends FamilyCodec {

    @Override
    public Set<OnnxOpId> imports() {
        return Set.of(OnnxOpId.of("Gemm"), OnnxOpId.of("MatMul"), OnnxOpId.of("Gather"));
    }

    @Override
    public Set<String> exports() {
        return Set.of("linear", "matmul", "embedding");
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        return switch (n.opType()) {
            case "Gemm" -> gemm(n, c);
            case "MatMul" -> matMul(c);
            default -> embedding(n, c);
        };
    }

    private static Optional<List<Value>> gemm(OnnxNode n, OnnxImportContext c) {
        Optional<NDArray> w = c.constant(1);
        if (!isDynamic(c, 0) || w.isEmpty() || n.longAttr("transA", 0) != 0 || !absentOrConstant(c, 2)
                || w.get().getShape().dimension() != 2 || c.value(0).shape().dimension() != 2) {
            return DECLINE;
        }
        boolean transB = n.longAttr("transB", 0) != 0;
        long out = w.get().getShape().get(transB ? 0 : 1);
        float alpha = (float) n.doubleAttr("alpha", 1f);
        float beta = (float) n.doubleAttr("beta", 1f);
        String name = c.nodeName(1);
        linearWeight(c, name, transB, alpha);
        if (c.hasInput(2)) {
            NDArray bias = c.constant(2).orElseThrow();
            if (bias.size() != out && bias.size() != 1) {
                throw new IllegalArgumentException("bias " + bias.getShape() + " does not match "
                        + out + " output features");
            }
            if (bias.size() == out && beta == 1f) {
                c.parameter(name, "bias", 2, new Shape(out));
            } else {
                c.parameter(name, "bias", bias.reshape(bias.size()).broadcast(new Shape(out)).mul(beta)
                        .toType(DataType.FLOAT32, false));
            }
        }
        return single(c, "linear", name, Attributes.of().with("out_features", out).with("bias", c.hasInput(2)),
                c.value(0));
    }

    /**
     * Supplies a linear weight {@code [out, in]} from input 1: as it is when its rows are the
     * outputs, else transposed; scaled by alpha.
     *
     * @param c the import
     * @param name the node name
     * @param rowsAreOutputs whether the constant is {@code [out, in]} already
     * @param alpha the scale
     */
    static void linearWeight(OnnxImportContext c, String name, boolean rowsAreOutputs, float alpha) {
        NDArray weight = c.constant(1).orElseThrow();
        if (rowsAreOutputs && alpha == 1f) {
            c.parameter(name, "weight", 1, weight.getShape());
            return;
        }
        NDArray t = rowsAreOutputs ? weight.duplicate() : weight.transpose().duplicate();
        if (alpha != 1f) {
            t.muli(alpha);
        }
        c.parameter(name, "weight", t.toType(DataType.FLOAT32, false));
    }

    /** Maps MatMul by a constant {@code [in, out]} weight as {@code linear}, of two values as {@code matmul}. */
    private static Optional<List<Value>> matMul(OnnxImportContext c) {
        if (!isDynamic(c, 0)) {
            return DECLINE;
        }
        Optional<NDArray> w = c.constant(1);
        if (w.isEmpty()) {
            return isDynamic(c, 1)
                    ? single(c, "matmul", c.nodeName(), Attributes.of(), c.value(0), c.value(1)) : DECLINE;
        }
        Shape x = c.value(0).shape();
        Shape ws = w.get().getShape();
        if (ws.dimension() != 2 || x.dimension() < 2 || x.get(x.dimension() - 1) != ws.get(0)) {
            return DECLINE;
        }
        String name = c.nodeName(1);
        linearWeight(c, name, false, 1f);
        return single(c, "linear", name, Attributes.of().with("out_features", ws.get(1)).with("bias", false),
                c.value(0));
    }

    private static Optional<List<Value>> embedding(OnnxNode n, OnnxImportContext c) {
        Optional<NDArray> table = c.constant(0);
        if (table.isEmpty()) {
            return GatherSlice.importNode(n, c);
        }
        if (!isDynamic(c, 1) || n.longAttr("axis", 0) != 0
                || table.get().getShape().dimension() != 2) {
            return DECLINE;
        }
        Shape s = table.get().getShape();
        String name = c.nodeName(0);
        c.parameter(name, "weight", 0, s);
        return single(c, "embedding", name, Attributes.of().with("num_embeddings", s.get(0))
                .with("embedding_dim", s.get(1)), c.value(1));
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        switch (node.op().name()) {
            case "linear" -> linear(node, c);
            case "matmul" -> last(c, "MatMul", List.of(c.input(0), c.input(1)), Map.of());
            default -> last(c, "Gather", List.of(c.parameter("weight"), c.input(0)), Map.of("axis", 0L));
        }
    }

    private static void linear(Node node, OnnxExportContext c) {
        boolean bias = node.hasParameter("bias");
        if (node.input().shape().dimension() == 2) {
            List<String> inputs = new ArrayList<>(List.of(c.input(0), c.parameter("weight")));
            if (bias) {
                inputs.add(c.parameter("bias"));
            } else if (c.opset() < 11) {
                long out = node.parameter("weight").shape().get(0);
                inputs.add(c.floats("no_bias", new long[] {out}, new float[(int) out]));
            }
            last(c, "Gemm", inputs, Map.of("alpha", 1.0, "beta", 1.0, "transB", 1L));
            return;
        }
        String wt = c.parameter("weight", "t", node.parameter("weight").array().transpose().duplicate());
        if (bias) {
            last(c, "Add", List.of(step(c, "MatMul", List.of(c.input(0), wt), Map.of()), c.parameter("bias")),
                    Map.of());
        } else {
            last(c, "MatMul", List.of(c.input(0), wt), Map.of());
        }
    }
}
