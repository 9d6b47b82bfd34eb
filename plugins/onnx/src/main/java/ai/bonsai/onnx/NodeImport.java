package ai.bonsai.onnx;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@link OnnxImportContext} of one ONNX node, on top of the import's helpers. */
final class NodeImport implements OnnxImportContext {

    private final OnnxImporter ctx;
    private final NodeProto node;

    /**
     * Creates the context of one node.
     *
     * @param ctx the import
     * @param node the node being imported
     */
    NodeImport(OnnxImporter ctx, NodeProto node) {
        this.ctx = ctx;
        this.node = node;
    }

    @Override
    public long opset(String domain) {
        return ctx.opset(domain);
    }

    @Override
    public boolean hasInput(int input) {
        return input < node.getInputCount() && !node.getInput(input).isEmpty();
    }

    @Override
    public Optional<NDArray> constant(int input) {
        return ctx.known(node, input).map(Operand.Known::array);
    }

    @Override
    public Value value(int input) {
        return ctx.value(node, input);
    }

    @Override
    public boolean isOutputUsed(int output) {
        if (output >= node.getOutputCount() || node.getOutput(output).isEmpty()) {
            return false;
        }
        String name = node.getOutput(output);
        return !ctx.consumers(name).isEmpty() || ctx.isGraphOutput(name);
    }

    @Override
    public String nodeName() {
        return ctx.name(null, List.of(node));
    }

    @Override
    public String nodeName(int weightInput) {
        return ctx.name(ctx.known(node, weightInput).map(Operand.Known::initializer).orElse(null),
                List.of(node));
    }

    @Override
    public void parameter(String name, String local, int input, Shape shape) {
        Operand.Known known = ctx.known(node, input).orElseThrow(() -> ctx.error(node, "input " + input
                + " of parameter '" + local + "' is not a constant", null));
        ctx.supply(name, local, known, shape);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A value derived from one constant input of the same size (a transposed or scaled weight)
     * is written back under that input's name.
     */
    @Override
    public void parameter(String name, String local, NDArray value) {
        List<String> sources = new ArrayList<>();
        for (int k = 0; k < node.getInputCount(); k++) {
            ctx.known(node, k).filter(c -> c.initializer() != null && c.array().size() == value.size())
                    .ifPresent(c -> sources.add(c.initializer()));
        }
        ctx.supplyArray(name, local, value, sources.size() == 1 ? sources.get(0) : null);
    }

    @Override
    public List<Value> opaque(List<Shape> outputShapes) {
        return ctx.addOpaque(node, outputShapes);
    }

    @Override
    public GraphBuilder builder() {
        return ctx.builder();
    }
}
