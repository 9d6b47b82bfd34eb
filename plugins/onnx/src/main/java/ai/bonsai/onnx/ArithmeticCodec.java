package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The broadcasting arithmetic and the reductions: Add, Sub, Mul, Div, Softmax, ReduceMean and
 * ReduceSum, and the {@code add}, {@code sub}, {@code mul}, {@code div}, {@code softmax},
 * {@code mean} and {@code sum} op types back in the target opset's form.
 */
final class ArithmeticCodec extends FamilyCodec {

    private static final Map<String, String> BINARY = Map.of("Add", "add", "Sub", "sub", "Mul", "mul", "Div", "div");

    @Override
    public Set<OnnxOpId> imports() {
        return Stream.concat(BINARY.keySet().stream(), Stream.of("Softmax", "ReduceMean", "ReduceSum"))
                .map(OnnxOpId::of).collect(Collectors.toSet());
    }

    @Override
    public Set<String> exports() {
        return Set.of("add", "sub", "mul", "div", "softmax", "mean", "sum");
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        return switch (n.opType()) {
            case "Softmax" -> softmax(n, c);
            case "ReduceMean" -> reduce(n, c, "mean");
            case "ReduceSum" -> reduce(n, c, "sum");
            default -> binary(c, BINARY.get(n.opType()));
        };
    }

    /** Maps a binary op with at least one computed operand. */
    private static Optional<List<Value>> binary(OnnxImportContext c, String opType) {
        if (!isDynamic(c, 0) && !isDynamic(c, 1)) {
            return DECLINE;
        }
        return single(c, opType, c.nodeName(), Attributes.of(), c.value(0), c.value(1));
    }

    /** Maps Softmax; before opset 13 only over the last axis (the older semantics flatten). */
    private static Optional<List<Value>> softmax(OnnxNode n, OnnxImportContext c) {
        if (!isDynamic(c, 0)) {
            return DECLINE;
        }
        Value x = c.value(0);
        boolean old = c.opset("") < 13;
        long axis = n.longAttr("axis", old ? 1 : -1);
        int rank = x.shape().dimension();
        if (old && (axis < 0 ? axis + rank : axis) != rank - 1) {
            return DECLINE;
        }
        return single(c, "softmax", c.nodeName(), Attributes.of().with("dim", axis), x);
    }

    /** Maps a reduction over constant axes (attribute, or input 1 since opsets 13/18). */
    private static Optional<List<Value>> reduce(OnnxNode n, OnnxImportContext c, String opType) {
        if (!isDynamic(c, 0)) {
            return DECLINE;
        }
        Optional<long[]> axes = axes(n, c, 1);
        if (axes.isEmpty() || axes.get().length == 0) {
            return DECLINE;
        }
        return unary(c, opType, Attributes.of().with("dims", axes.get())
                .with("keepdim", n.longAttr("keepdims", 1) != 0));
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        switch (node.op().name()) {
            case "softmax" -> softmax(node, c, a);
            case "mean" -> reduce(c, "ReduceMean", a, 18);
            case "sum" -> reduce(c, "ReduceSum", a, 13);
            default -> last(c, onnxBinary(node.op().name()), List.of(c.input(0), c.input(1)), Map.of());
        }
    }

    private static String onnxBinary(String opType) {
        return BINARY.entrySet().stream().filter(e -> e.getValue().equals(opType)).findFirst().orElseThrow()
                .getKey();
    }

    private static void softmax(Node node, OnnxExportContext c, Attributes a) {
        int rank = node.input().shape().dimension();
        long dim = a.getLong("dim") < 0 ? a.getLong("dim") + rank : a.getLong("dim");
        if (c.opset() < 13 && dim != rank - 1) {
            throw new ModelFormatException("node '" + node.name() + "': softmax over dimension "
                    + dim + " of rank " + rank + " has no Softmax equivalent before opset 13");
        }
        last(c, "Softmax", List.of(c.input(0)), Map.of("axis", dim));
    }

    private static void reduce(OnnxExportContext c, String opType, Attributes a, long axesAsInputSince) {
        long keep = a.getBoolean("keepdim") ? 1 : 0;
        if (c.opset() >= axesAsInputSince) {
            last(c, opType, List.of(c.input(0), c.longs("axes", a.getLongs("dims"))), Map.of("keepdims", keep));
        } else {
            last(c, opType, List.of(c.input(0)), Map.of("axes", a.getLongs("dims"), "keepdims", keep));
        }
    }
}
