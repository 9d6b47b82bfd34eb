package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.djl.ndarray.NDArray;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes each Bonsai node as ONNX nodes of the target opset, with its parameters as initializers
 * (named by their full Bonsai names) and the original ONNX node names where the reader recorded
 * them. Each node is written by the {@link OnnxOpCodec} that exports its op type, with this
 * emitter as its {@link OnnxExportContext}; {@code onnx_constant} nodes become initializers and
 * {@code onnx_opaque} nodes are written back as they were read.
 */
final class NodeEmitter implements OnnxExportContext {

    private final Graph graph;
    private final GraphProto.Builder out;
    private final Map<Value, String> valueNames;
    private final long opset;
    private final Codecs codecs;
    private final Map<String, Long> domains;
    private final TensorNames tensors;
    private final Set<String> usedNames = new HashSet<>();
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
     * @param codecs the op codecs
     * @param domains the custom-domain opsets the model imports so far (extended by codecs)
     * @param tensors the names parameters are written under
     */
    NodeEmitter(Graph graph, GraphProto.Builder out, Map<Value, String> valueNames, long opset, Codecs codecs,
            Map<String, Long> domains, TensorNames tensors) {
        this.graph = graph;
        this.out = out;
        this.valueNames = valueNames;
        this.opset = opset;
        this.codecs = codecs;
        this.domains = domains;
        this.tensors = tensors;
    }

    /**
     * Emits one node.
     *
     * @param n the node
     * @throws ModelFormatException naming the node when its op type cannot be written
     */
    void emit(Node n) {
        if (AutoPad.absorbed(graph, n)) {
            return;
        }
        this.node = n;
        this.emitted = 0;
        String recorded = graph.metadata().get(OnnxMetadata.NODE_NAMES_PREFIX + n.name());
        this.originalNames = recorded == null ? List.of() : List.of(recorded.split("\n", -1));
        this.usedNames.clear();
        Optional<OnnxOpCodec> codec = codecs.exporter(n.op().name());
        if (codec.isPresent()) {
            codec.get().exportNode(n, this);
            AutoPad.restore(graph, n, out, valueNames);
            return;
        }
        Attributes a = n.attributes();
        switch (n.op().name()) {
            case OnnxConstantOp.NAME -> tensors.add(n.parameter("value").name(), TensorEncoder.encode(
                    valueNames.get(n.output()), n.parameter("value").array()), out);
            case OnnxOpaqueOp.NAME, OnnxElementwiseOp.NAME -> opaque(a);
            default -> throw new ModelFormatException("node '" + n.name() + "': op type '"
                    + n.op().name() + "' cannot be written to ONNX");
        }
    }

    // ---- the codecs' view ----

    @Override
    public long opset() {
        return opset;
    }

    @Override
    public String input(int k) {
        return valueNames.get(node.inputs().get(k));
    }

    @Override
    public String output(int k) {
        return valueNames.get(node.outputs().get(k));
    }

    @Override
    public String parameter(String local) {
        Parameter p = node.parameter(local);
        String name = tensors.nameOf(p.name());
        tensors.add(p.name(), TensorEncoder.encode(name, p.array()), out);
        return name;
    }

    @Override
    public String parameter(String local, long... shape) {
        Parameter p = node.parameter(local);
        String name = tensors.nameOf(p.name());
        tensors.add(p.name(), TensorEncoder.encode(name, p.array(), shape), out);
        return name;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A parameter read from a tensor of the source model is written under that tensor's name
     * (the derived value has the source's layout again: a linear weight read from {@code MatMul}
     * by {@code [in, out]}).
     */
    @Override
    public String parameter(String local, String suffix, NDArray value) {
        Parameter p = node.parameter(local);
        String name = tensors.nameOf(p.name());
        if (name.equals(p.name())) {
            name = p.name() + "_" + suffix;
        }
        tensors.add(p.name(), TensorEncoder.encode(name, value), out);
        return name;
    }

    @Override
    public String initializer(String what, NDArray value) {
        String name = temp(what);
        out.addInitializer(TensorEncoder.encode(name, value));
        return name;
    }

    @Override
    public String floats(String what, long[] shape, float... values) {
        String name = temp(what);
        out.addInitializer(TensorEncoder.floats(name, shape, values));
        return name;
    }

    @Override
    public String longs(String what, long... values) {
        String name = temp(what);
        out.addInitializer(TensorEncoder.longs(name, values));
        return name;
    }

    @Override
    public String temp(String what) {
        String base = node.name() + "/" + what;
        String name = base;
        for (int k = 1; !usedNames.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    @Override
    public void emit(OnnxNode n) {
        if (n.domain().isEmpty()) {
            OperatorVersions.checkWrite(node, n.opType(), opset);
        }
        String name = n.name().isEmpty() ? nextName(n.opType()) : n.name();
        NodeProto.Builder b = OnnxNodes.toProto(n, name, node.name());
        String doc = graph.metadata().get(OnnxMetadata.NODE_DOC_PREFIX + name);
        if (doc != null) {
            b.setDocString(doc);
        }
        out.addNode(b);
    }

    @Override
    public void importOpset(String domain, long version) {
        Long previous = domains.putIfAbsent(domain, version);
        if (previous != null && previous != version) {
            throw new ModelFormatException("node '" + node.name() + "': domain '" + domain
                    + "' is imported with opset " + previous + " and " + version);
        }
    }

    // ---- building blocks ----

    private List<String> outs() {
        List<String> l = new ArrayList<>();
        for (Value v : node.outputs()) {
            l.add(valueNames.get(v));
        }
        return l;
    }

    private String nextName(String opType) {
        int k = emitted++;
        if (k < originalNames.size() && !originalNames.get(k).isEmpty()) {
            return originalNames.get(k);
        }
        return k == 0 && originalNames.isEmpty() ? node.name() : node.name() + "/" + opType + "_" + k;
    }

    // ---- the plugin's own nodes ----

    private void opaque(Attributes a) {
        NodeProto template;
        try {
            template = NodeTemplate.decode(a, node.name());
        } catch (ai.bonsai.api.graph.GraphException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
        List<String> inputs = new ArrayList<>();
        int next = 0;
        for (String slot : template.getInputList()) {
            inputs.add(slot.isEmpty() ? "" : input(next++));
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
