package ai.bonsai.onnx;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Imports one ONNX graph into a {@link GraphBuilder}: walks the nodes in order, folds constant
 * computations ({@link ConstantFolder}), asks the op codecs of plugins, maps fused patterns
 * ({@link Patterns}), asks the built-in op codecs ({@link Codecs}), and keeps every other op as an
 * {@code onnx_opaque} node. The helpers here are what patterns and codecs ({@link NodeImport})
 * use to read operands and add nodes.
 */
final class OnnxImporter {

    /** How many producers not imported yet {@link #shapeAhead} follows back at most (its recursion depth). */
    private static final int MAX_INFERRED_AHEAD = 256;

    private final OnnxModelFile file;
    private final GraphBuilder builder;
    private final GraphProto graph;
    private final OpsetConverter.Converted converted;
    private final List<NodeProto> nodes;
    private final TensorDecoder decoder;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, Operand> values = new HashMap<>();
    private final Map<String, Integer> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, ValueInfoProto> infos = new HashMap<>();
    private final Set<NodeProto> done = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<String> suppliedInitializers = new HashSet<>();
    private final Map<String, Shape> shapesAhead = new HashMap<>();
    private final Set<String> inferring = new HashSet<>();
    private final Map<NDArray, Value> constantNodes = new IdentityHashMap<>();
    private final NodeNames names = new NodeNames();
    private final StringBuilder opaque = new StringBuilder();
    private final ConstantFolder folder;
    private final Patterns patterns;
    private final UnwrappedParameters unwrapped;
    private final Codecs codecs;
    private final InputShapes inputShapes;
    private long batch = 1;

    /**
     * Prepares an import.
     *
     * @param file the parsed model
     * @param builder a fresh builder
     * @param codecs the op codecs
     * @param inputShapes the sizes of the graph inputs' symbolic dimensions, by input name
     */
    OnnxImporter(OnnxModelFile file, GraphBuilder builder, Codecs codecs, Map<String, Shape> inputShapes) {
        this.file = file;
        this.inputShapes = new InputShapes(file.path(), inputShapes);
        this.builder = builder;
        this.codecs = codecs;
        this.graph = file.model().getGraph();
        OperatorVersions.checkRead(file.path(), graph.getNodeList(), file.opset());
        this.converted = OpsetConverter.convert(graph, file.opset());
        this.nodes = converted.nodes();
        this.decoder = new TensorDecoder(file.path());
        this.folder = new ConstantFolder(this);
        this.patterns = new Patterns(this);
        this.unwrapped = new UnwrappedParameters(this);
    }

    /**
     * Runs the import.
     *
     * @return the graph
     * @throws ModelFormatException naming the file and the node, initializer or field at fault
     */
    Graph run() {
        index();
        recordModelMetadata();
        declareInputs();
        for (NodeProto n : nodes) {
            if (n.getOpType().equals("Constant") && n.getInputCount() == 0 && n.getDomain().isEmpty()) {
                try {
                    folder.tryFold(n);
                } catch (ModelFormatException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw error(n, e.getMessage(), e);
                }
                done.add(n);
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (done.contains(n)) {
                continue;
            }
            boolean held = patterns.holds(n);
            if (!held && !readsHeldShape(n)) {
                checkInputsDefined(n, i);
            }
            importNode(n, held);
        }
        declareOutputs();
        builder.metadata(OnnxMetadata.OPAQUE_NODES, opaque.toString());
        builder.metadata(OnnxMetadata.SOURCE_SHA256, file.sha256());
        try {
            return builder.build();
        } catch (BonsaiException e) {
            throw new ModelFormatException(file.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Imports one node: folded, inlined, by a codec or pattern, as an element-wise op, or opaque;
     * a node a pattern holds back goes to that pattern.
     */
    private void importNode(NodeProto n, boolean held) {
        try {
            if (held) {
                patterns.tryMatch(n);
            } else if (!folder.tryFold(n) && !inlineIf(n)
                    && !tryCodec(n, codecs.plugged(OnnxNodes.id(n))) && !patterns.tryMatch(n)) {
                importWithoutPatterns(n);
            }
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // a malformed node surfaces as whatever the graph builder or the engine throws
            throw error(n, e.getMessage(), e);
        }
        done.add(n);
    }

    private void importWithoutPatterns(NodeProto n) {
        if (!tryCodec(n, codecs.builtIn(OnnxNodes.id(n))) && !tryElementwise(n)) {
            addOpaque(n, null);
        }
    }

    /**
     * Imports a node a pattern held back, as the walk would without patterns: folded, through a
     * codec, as an element-wise op, or opaque.
     *
     * @param n the node
     */
    void importNodeAlone(NodeProto n) {
        if (!folder.tryFold(n) && !tryCodec(n, codecs.plugged(OnnxNodes.id(n)))) {
            importWithoutPatterns(n);
        }
        done.add(n);
    }

    /**
     * Imports an {@code If} whose condition is a constant (an exporter's check on static shapes)
     * as the nodes of the branch it takes.
     */
    private boolean inlineIf(NodeProto n) {
        if (!n.getOpType().equals("If") || !n.getDomain().isEmpty() || known(n, 0).isEmpty()) {
            return false;
        }
        boolean condition = known(n, 0).get().scalar() != 0;
        GraphProto branch = new OnnxAttributes(n).graph(condition ? "then_branch" : "else_branch")
                .orElseThrow(() -> error(n, "the " + (condition ? "then" : "else") + " branch is missing", null));
        if (branch.getOutputCount() != n.getOutputCount()) {
            throw error(n, "the branch taken has " + branch.getOutputCount() + " outputs, the node "
                    + n.getOutputCount(), null);
        }
        for (NodeProto inner : branch.getNodeList()) {
            importNode(inner, false);
        }
        for (int k = 0; k < n.getOutputCount(); k++) {
            String inner = branch.getOutput(k).getName();
            define(n.getOutput(k), operand(inner).orElseThrow(() -> error(n, "branch output '" + inner
                    + "' is not defined", null)));
        }
        return true;
    }

    /** Imports a standard element-wise op of a computed value as {@code onnx_elementwise}. */
    private boolean tryElementwise(NodeProto n) {
        if (!n.getDomain().isEmpty() || !StandardKernels.ELEMENTWISE.contains(n.getOpType())
                || n.getInputCount() != 1 || n.getOutputCount() != 1 || !isDynamic(n, 0)) {
            return false;
        }
        Value x = value(n, 0);
        define(n.getOutput(0), builder.op(OnnxElementwiseOp.NAME, name(null, List.of(n)), Attributes.of()
                .with("onnx_op_type", n.getOpType()).with("onnx_opset", file.opset())
                .with(NodeTemplate.ATTRIBUTE, NodeTemplate.encode(n)), x));
        return true;
    }

    /**
     * Tells whether a value is defined yet (a graph input, an initializer or an imported output).
     *
     * @param name the value name
     * @return true if known
     */
    boolean isKnown(String name) {
        return values.containsKey(name) || initializers.containsKey(name);
    }

    /**
     * Returns a node's position in the file.
     *
     * @param n the node
     * @return its index among the graph's nodes
     */
    int indexOf(NodeProto n) {
        return producers.getOrDefault(n.getOutput(0), -1);
    }

    private boolean tryCodec(NodeProto n, Optional<OnnxOpCodec> codec) {
        if (codec.isEmpty()) {
            return false;
        }
        OnnxNode view = OnnxNodes.view(n, a -> decode(a.getT(), "attribute '" + a.getName() + "'"));
        NodeImport context = new NodeImport(this, n);
        Optional<List<Value>> outs = codec.get().importNode(view, context);
        if (outs.isEmpty()) {
            return false;
        }
        List<Value> values = outs.get();
        for (int k = 0; k < n.getOutputCount(); k++) {
            if (k < values.size()) {
                if (!n.getOutput(k).isEmpty()) {
                    define(n.getOutput(k), values.get(k));
                }
            } else if (context.isOutputUsed(k)) {
                throw error(n, "codec " + codec.get().getClass().getName() + " returned " + values.size()
                        + " output value(s), but output '" + n.getOutput(k) + "' is used", null);
            }
        }
        return true;
    }

    private void index() {
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new ModelFormatException(file.path() + ": an initializer has no name");
            }
            initializers.put(t.getName(), t);
        }
        for (ValueInfoProto v : graph.getValueInfoList()) {
            infos.put(v.getName(), v);
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            infos.put(v.getName(), v);
        }
        for (TensorProto t : converted.constants()) {
            initializers.put(t.getName(), t);
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && producers.put(out, i) != null) {
                    throw error(n, "output '" + out + "' is produced by two nodes", null);
                }
            }
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            indexSubgraphs(n);
        }
    }

    /**
     * Indexes the branches and bodies of a control-flow node: their initializers, value_info and
     * the values their nodes read (an outer value a branch reads is not an intermediate to fuse).
     */
    private void indexSubgraphs(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            List<GraphProto> graphs = new ArrayList<>(a.getGraphsList());
            if (a.hasG()) {
                graphs.add(a.getG());
            }
            for (GraphProto g : graphs) {
                g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
                g.getValueInfoList().forEach(v -> infos.put(v.getName(), v));
                for (NodeProto inner : g.getNodeList()) {
                    for (String in : inner.getInputList()) {
                        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(inner);
                    }
                    indexSubgraphs(inner);
                }
            }
        }
    }

    private void recordModelMetadata() {
        ModelProto m = file.model();
        builder.metadata(OnnxMetadata.IR_VERSION, String.valueOf(m.getIrVersion()));
        builder.metadata(OnnxMetadata.OPSET, String.valueOf(file.opset()));
        builder.metadata(OnnxMetadata.PRODUCER_NAME, m.getProducerName());
        builder.metadata(OnnxMetadata.PRODUCER_VERSION, m.getProducerVersion());
        builder.metadata(OnnxMetadata.GRAPH_NAME, graph.getName());
        builder.metadata(OnnxMetadata.SOURCE_FILE, String.valueOf(file.path().getFileName()));
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (!new OnnxOpId(o.getDomain(), "").domain().isEmpty()) {
                builder.metadata(OnnxMetadata.DOMAIN_OPSET_PREFIX + o.getDomain(), String.valueOf(o.getVersion()));
            }
        }
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            builder.metadata(OnnxMetadata.PROPS_PREFIX + e.getKey(), e.getValue());
        }
        metadataIfSet(OnnxMetadata.DOC_STRING, m.getDocString());
        metadataIfSet(OnnxMetadata.GRAPH_DOC_STRING, graph.getDocString());
        metadataIfSet(OnnxMetadata.MODEL_DOMAIN, m.getDomain());
        metadataIfSet(OnnxMetadata.MODEL_VERSION, m.getModelVersion() == 0 ? "" : String.valueOf(m.getModelVersion()));
        for (ValueInfoProto v : graph.getInputList()) {
            metadataIfSet(OnnxMetadata.VALUE_DOC_PREFIX + v.getName(), v.getDocString());
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            metadataIfSet(OnnxMetadata.VALUE_DOC_PREFIX + v.getName(), v.getDocString());
        }
    }

    private void metadataIfSet(String key, String value) {
        if (!value.isEmpty()) {
            builder.metadata(key, value);
        }
    }

    private void declareInputs() {
        List<String> declared = new ArrayList<>();
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializers.containsKey(in.getName())) {
                declared.add(in.getName());
            }
        }
        inputShapes.checkNames(declared);
        for (ValueInfoProto in : graph.getInputList()) {
            if (initializers.containsKey(in.getName())) {
                continue;
            }
            Shape shape = inputShapes.resolve(in);
            if (values.isEmpty() && shape.dimension() > 0) {
                batch = shape.get(0);
            }
            if (in.getType().getTensorType().hasShape()) {
                builder.metadata(OnnxMetadata.INPUT_DIMS_PREFIX + in.getName(),
                        InputShapes.declared(in.getType().getTensorType().getShape()));
            }
            builder.metadata(OnnxMetadata.INPUT_TYPE_PREFIX + in.getName(),
                    String.valueOf(in.getType().getTensorType().getElemType()));
            names.reserve(in.getName());
            values.put(in.getName(), new Operand.Dynamic(builder.input(in.getName(), shape)));
        }
    }

    private void declareOutputs() {
        List<Value> outs = new ArrayList<>();
        for (ValueInfoProto o : graph.getOutputList()) {
            Operand op = values.get(o.getName());
            if (op == null) {
                throw new ModelFormatException(file.path() + ": graph output '" + o.getName()
                        + "' is not produced by any node");
            }
            Value v = op instanceof Operand.Dynamic d ? d.value() : constantNode((Operand.Known) op);
            builder.metadata(OnnxMetadata.OUTPUT_PREFIX + outs.size(), o.getName());
            builder.metadata(OnnxMetadata.OUTPUT_TYPE_PREFIX + outs.size(),
                    String.valueOf(o.getType().getTensorType().getElemType()));
            if (o.getType().getTensorType().hasShape()) {
                builder.metadata(OnnxMetadata.OUTPUT_DIMS_PREFIX + outs.size(),
                        InputShapes.declared(o.getType().getTensorType().getShape()));
            }
            outs.add(v);
        }
        if (outs.isEmpty()) {
            throw new ModelFormatException(file.path() + ": the graph declares no output");
        }
        builder.output(outs.toArray(new Value[0]));
    }

    /**
     * Whether a node is the {@code Shape} of a value a pattern holds back: it folds from the value's
     * inferred shape ({@link #shapeAhead}) though the value is not defined.
     */
    private boolean readsHeldShape(NodeProto n) {
        return n.getOpType().equals("Shape") && n.getInputCount() == 1
                && producer(n.getInput(0)).filter(patterns::holds).isPresent();
    }

    private void checkInputsDefined(NodeProto n, int index) {
        for (String in : n.getInputList()) {
            if (in.isEmpty() || values.containsKey(in) || initializers.containsKey(in)) {
                continue;
            }
            Integer producer = producers.get(in);
            if (producer != null && producer >= index) {
                throw error(n, "input '" + in + "' is produced by a later node '"
                        + nodes.get(producer).getName()
                        + "' (the graph has a cycle or is not topologically sorted)", null);
            }
            throw error(n, "input '" + in + "' is not a graph input, an initializer or the output "
                    + "of an earlier node", null);
        }
    }

    // ---- helpers for codecs, patterns and folding ----

    /**
     * Returns the default-domain opset of the forms the nodes take: the model's, or {@link
     * OpsetConverter#TARGET} for models of older opsets, whose nodes are converted.
     *
     * @return the opset version
     */
    long opset() {
        return Math.max(file.opset(), OpsetConverter.TARGET);
    }

    /**
     * Returns the opset the model imports for a domain.
     *
     * @param domain the domain ({@code ""} or {@code ai.onnx} for the default one)
     * @return the version, or 0 when not imported
     */
    long opset(String domain) {
        String d = new OnnxOpId(domain, "").domain();
        if (d.isEmpty()) {
            return opset();
        }
        return file.model().getOpsetImportList().stream()
                .filter(o -> new OnnxOpId(o.getDomain(), "").domain().equals(d))
                .mapToLong(OperatorSetIdProto::getVersion).findFirst().orElse(0);
    }

    /**
     * Returns the builder.
     *
     * @return the builder
     */
    GraphBuilder builder() {
        return builder;
    }

    /**
     * Returns what an ONNX value name stands for, decoding initializers on first use.
     *
     * @param name the value name
     * @return the operand, or empty for an absent optional input ({@code ""})
     */
    Optional<Operand> operand(String name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Operand op = values.get(name);
        if (op == null) {
            TensorProto t = initializers.get(name);
            if (t == null) {
                throw new ModelFormatException(file.path() + ": value '" + name + "' is undefined");
            }
            op = new Operand.Known(decoder.decode(t, "initializer '" + name + "'", builder.manager()),
                    name);
            values.put(name, op);
        }
        return Optional.of(op);
    }

    /**
     * Decodes a tensor of the model (an attribute value) into the builder's manager.
     *
     * @param t the tensor
     * @param what its description for messages
     * @return the array
     */
    NDArray decode(TensorProto t, String what) {
        return decoder.decode(t, what, builder.manager());
    }

    /**
     * Returns input k of a node, or empty if the node has no such (or an empty) input.
     *
     * @param n the node
     * @param k the input slot
     * @return the operand
     */
    Optional<Operand> input(NodeProto n, int k) {
        return k < n.getInputCount() ? operand(n.getInput(k)) : Optional.empty();
    }

    /**
     * Returns input k of a node when it is a constant.
     *
     * @param n the node
     * @param k the slot
     * @return the constant, or empty when absent or computed by the graph
     */
    Optional<Operand.Known> known(NodeProto n, int k) {
        return k < n.getInputCount() ? peekKnown(n.getInput(k)) : Optional.empty();
    }

    /**
     * Returns a value when it is a constant already known (defined or an initializer).
     *
     * @param name the value name
     * @return the constant, or empty when computed by the graph or not yet defined
     */
    Optional<Operand.Known> peekKnown(String name) {
        if (name.isEmpty() || (!values.containsKey(name) && !initializers.containsKey(name))) {
            return Optional.empty();
        }
        return operand(name).filter(Operand.Known.class::isInstance).map(Operand.Known.class::cast);
    }

    /**
     * Returns a value when it is a constant, folding its producer (and theirs) ahead of the walk
     * when they are constant computations; patterns use it for operands computed by nodes that
     * come later in the file (the {@code Unsqueeze} of a norm's weight, say).
     *
     * @param name the value name
     * @return the constant, or empty when the graph computes it
     */
    Optional<Operand.Known> foldAhead(String name) {
        Optional<Operand.Known> k = peekKnown(name);
        Optional<NodeProto> p = name.isEmpty() || k.isPresent() || values.containsKey(name)
                ? Optional.empty() : producer(name);
        if (p.isEmpty() || done.contains(p.get())) {
            return k;
        }
        boolean shape = p.get().getOpType().equals("Shape") && p.get().getInputCount() == 1;
        if (shape && shapeAhead(p.get().getInput(0)).isEmpty()) {
            return Optional.empty();
        }
        for (String in : p.get().getInputList()) {
            if (!shape && !in.isEmpty() && foldAhead(in).isEmpty()) {
                return Optional.empty();
            }
        }
        if (!folder.tryFold(p.get())) {
            return Optional.empty();
        }
        done.add(p.get());
        return peekKnown(name);
    }

    /**
     * Returns a value's shape: its own when defined, else inferred ahead of the walk by the standard
     * shape rules of its producer (and theirs, with their constant inputs folded ahead). It lets the
     * {@code Shape} of a value that is not imported yet fold: the target a dynamic-shape export
     * computes for a Reshape inside an attention pattern from {@code Shape(x)}.
     *
     * @param name the value name
     * @return the shape, or empty when the value is absent, or its shape depends on the data or on
     *     an op without a shape rule
     */
    Optional<Shape> shapeAhead(String name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (values.containsKey(name) || initializers.containsKey(name)) {
            return operand(name).map(op -> op instanceof Operand.Dynamic d ? d.value().shape()
                    : ((Operand.Known) op).array().getShape());
        }
        Shape known = shapesAhead.get(name);
        Optional<NodeProto> p = producer(name);
        if (known != null || p.isEmpty() || inferring.size() >= MAX_INFERRED_AHEAD || !inferring.add(name)) {
            return Optional.ofNullable(known);
        }
        try {
            NodeProto n = p.get();
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                return Optional.empty();
            }
            List<Shape> shapes = ShapeInference.infer(n, ahead(n), opset()).orElse(List.of());
            int slot = 0;
            for (String out : n.getOutputList()) {
                if (out.equals(name)) {
                    break;
                }
                slot += out.isEmpty() ? 0 : 1;
            }
            if (slot >= shapes.size()) {
                return Optional.empty();
            }
            shapesAhead.put(name, shapes.get(slot));
            return Optional.of(shapes.get(slot));
        } catch (RuntimeException e) {
            // ShapeInference.Unknown, or an input whose shape cannot be known ahead
            return Optional.empty();
        } finally {
            inferring.remove(name);
        }
    }

    /** A node's inputs as {@link #shapeAhead} and {@link #foldAhead} see them. */
    private ShapeInference.Operands ahead(NodeProto n) {
        return new ShapeInference.Operands() {
            @Override
            public Optional<Shape> shape(int k) {
                if (k >= n.getInputCount() || n.getInput(k).isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(shapeAhead(n.getInput(k)).orElseThrow(() -> new ShapeInference.Unknown(
                        "the shape of '" + n.getInput(k) + "' is not known ahead")));
            }

            @Override
            public Optional<NDArray> constant(int k) {
                return k < n.getInputCount() ? foldAhead(n.getInput(k)).map(Operand.Known::array) : Optional.empty();
            }
        };
    }

    /**
     * Returns input k of a node as a graph value; a constant becomes a {@code parameter} node
     * ({@link UnwrappedParameters}) or an {@code onnx_constant} node.
     *
     * @param n the node
     * @param k the slot
     * @return the value
     */
    Value value(NodeProto n, int k) {
        Operand op = input(n, k).orElseThrow(() -> error(n, "input " + k + " is missing", null));
        if (op instanceof Operand.Dynamic d) {
            return d.value();
        }
        Operand.Known known = (Operand.Known) op;
        return unwrapped.of(n, known).orElseGet(() -> constantNode(known));
    }

    /**
     * Tells whether input k of a node is computed by the graph.
     *
     * @param n the node
     * @param k the slot
     * @return true for a dynamic input
     */
    boolean isDynamic(NodeProto n, int k) {
        return input(n, k).filter(Operand.Dynamic.class::isInstance).isPresent();
    }

    /**
     * Binds an ONNX value name.
     *
     * @param name the value name
     * @param operand what it stands for
     */
    void define(String name, Operand operand) {
        values.put(name, operand);
    }

    /**
     * Binds an ONNX output to a graph value.
     *
     * @param name the value name
     * @param v the value
     */
    void define(String name, Value v) {
        values.put(name, new Operand.Dynamic(v));
    }

    /**
     * Returns the nodes reading a value.
     *
     * @param name the value name
     * @return the consumers, in graph order
     */
    List<NodeProto> consumers(String name) {
        return consumers.getOrDefault(name, List.of());
    }

    /**
     * Returns the node producing a value.
     *
     * @param name the value name
     * @return the producer, or empty for graph inputs and initializers
     */
    Optional<NodeProto> producer(String name) {
        Integer i = producers.get(name);
        return i == null ? Optional.empty() : Optional.of(nodes.get(i));
    }

    /**
     * Tells whether a value is a graph output.
     *
     * @param name the value name
     * @return true if the graph returns it
     */
    boolean isGraphOutput(String name) {
        return graph.getOutputList().stream().anyMatch(o -> o.getName().equals(name));
    }

    /**
     * Marks nodes as imported (the members of a matched pattern).
     *
     * @param nodes the nodes
     */
    void markDone(List<NodeProto> nodes) {
        done.addAll(nodes);
    }

    /**
     * Allocates the Bonsai name of a node and records its original ONNX names.
     *
     * @param weight the initializer naming the module, or null
     * @param onnx the ONNX nodes the Bonsai node stands for, first one naming it otherwise
     * @return the unique name
     */
    String name(String weight, List<NodeProto> onnx) {
        String module = weight == null ? "" : NodeNames.moduleOf(weight);
        NodeProto first = onnx.get(0);
        if (module.isEmpty()) {
            module = first.getName().isEmpty() ? first.getOpType() + "_" + first.getOutput(0)
                    : NodeNames.scopeOf(first.getName());
        }
        String name = names.allocate(module);
        List<String> original = new ArrayList<>();
        for (NodeProto n : onnx) {
            original.add(n.getName());
            if (!n.getName().isEmpty()) {
                metadataIfSet(OnnxMetadata.NODE_DOC_PREFIX + n.getName(), n.getDocString());
            }
        }
        builder.metadata(OnnxMetadata.NODE_NAMES_PREFIX + name, String.join("\n", original));
        return name;
    }

    /**
     * Supplies a parameter's value: float32, owned by the graph (copied when the initializer is
     * shared with another node).
     *
     * @param node the Bonsai node name
     * @param local the parameter's local name
     * @param known the constant
     * @param shape the shape the op type declares
     */
    void supply(String node, String local, Operand.Known known, Shape shape) {
        NDArray a = owned(known);
        supplyArray(node, local, a.getShape().equals(shape) ? a : a.reshape(shape), known.initializer());
    }

    /**
     * Returns a constant as a float32 array the graph may own: the constant itself, or a copy when
     * its initializer was supplied before or its type differs.
     *
     * @param known the constant
     * @return the array
     */
    NDArray owned(Operand.Known known) {
        NDArray a = known.array();
        boolean shared = known.initializer() != null && !known.initializer().isEmpty()
                && !suppliedInitializers.add(known.initializer());
        if (a.getDataType() != DataType.FLOAT32) {
            return a.toType(DataType.FLOAT32, false);
        }
        return shared ? a.duplicate() : a;
    }

    /**
     * Allocates a unique Bonsai node name as given (suffixed when taken), recording no ONNX names.
     *
     * @param preferred the name
     * @return the unique name
     */
    String allocateName(String preferred) {
        return names.allocate(preferred);
    }

    /**
     * Supplies a computed parameter value (created in the builder's manager).
     *
     * @param node the Bonsai node name
     * @param local the local name
     * @param array the value
     */
    void supplyArray(String node, String local, NDArray array) {
        supplyArray(node, local, array, null);
    }

    /**
     * Supplies a parameter value derived from a tensor of the model (transposed, scaled), which
     * is written back under that tensor's name.
     *
     * @param node the Bonsai node name
     * @param local the local name
     * @param array the value
     * @param source the initializer or {@code Constant} output it comes from, or null
     */
    void supplyArray(String node, String local, NDArray array, String source) {
        builder.parameterValue(node + "." + local, array);
        recordSource(node + "." + local, source);
    }

    /**
     * Records the tensor of the source model that a parameter comes from, so the writer gives it
     * back its name (and its {@code Constant} node).
     */
    private void recordSource(String parameter, String source) {
        if (source == null || source.isEmpty()) {
            return;
        }
        builder.metadata(OnnxMetadata.TENSOR_NAME_PREFIX + parameter, source);
        if (!initializers.containsKey(source)) {
            producer(source).filter(p -> p.getOpType().equals("Constant")).ifPresent(p -> {
                builder.metadata(OnnxMetadata.CONSTANT_NODE_PREFIX + parameter, p.getName());
                if (!p.getName().isEmpty()) {
                    metadataIfSet(OnnxMetadata.NODE_DOC_PREFIX + p.getName(), p.getDocString());
                }
            });
        }
    }

    /**
     * Returns the {@code onnx_constant} node of a constant, adding it on first use.
     *
     * @param k the constant
     * @return its value
     */
    Value constantNode(Operand.Known k) {
        Value existing = constantNodes.get(k.array());
        if (existing != null) {
            return existing;
        }
        String name = names.allocate(k.initializer() == null || k.initializer().isEmpty()
                ? "constant" : k.initializer());
        NDArray a = k.array();
        if (a.getDataType() != DataType.FLOAT32 && a.getDataType() != DataType.INT64) {
            a = a.toType(a.getDataType().isFloating() ? DataType.FLOAT32 : DataType.INT64, false);
        } else if (k.initializer() != null && !k.initializer().isEmpty()
                && !suppliedInitializers.add(k.initializer())) {
            a = a.duplicate();
        }
        builder.parameterValue(name + ".value", a);
        recordSource(name + ".value", k.initializer());
        Value v = builder.op(OnnxConstantOp.NAME, name, Attributes.of()
                .with("shape", a.getShape().getShape())
                .with("dtype", a.getDataType().name().toLowerCase(java.util.Locale.ROOT)));
        constantNodes.put(k.array(), v);
        return v;
    }

    /**
     * Keeps a node as an {@code onnx_opaque} node that blocks channel pruning through it, in the
     * form the model holds it (the original of a node converted from an older opset).
     *
     * @param n the node
     * @param shapes its output shapes when known from the mapping, or null to take them from the
     *     model's value_info
     * @return one value per output slot, null for an absent output
     */
    List<Value> addOpaque(NodeProto n, List<Shape> shapes) {
        List<Shape> outShapes = shapes != null ? shapes : outputShapes(n);
        NodeProto source = converted.originals().getOrDefault(n, n);
        List<Value> ins = new ArrayList<>();
        for (int k = 0; k < source.getInputCount(); k++) {
            if (!source.getInput(k).isEmpty()) {
                ins.add(value(source, k));
            }
        }
        String name = name(null, List.of(source));
        Attributes a = Attributes.of()
                .with("onnx_op_type", source.getOpType())
                .with("onnx_domain", source.getDomain())
                .with("onnx_opset", file.opset())
                .with(NodeTemplate.ATTRIBUTE, NodeTemplate.encode(source));
        List<Value> outs = builder.node(OnnxOpaqueOp.NAME, name, OpaqueShapes.encode(a, outShapes),
                ins.toArray(new Value[0]));
        List<Value> bySlot = new ArrayList<>();
        int next = 0;
        for (String out : n.getOutputList()) {
            Value v = out.isEmpty() ? null : outs.get(next++);
            if (v != null) {
                define(out, v);
            }
            bySlot.add(v);
        }
        opaque.append(opaque.length() == 0 ? "" : "\n").append(name).append('\t').append(source.getOpType());
        return Collections.unmodifiableList(bySlot);
    }

    /**
     * Returns the output shapes of a node kept opaque: by the standard op's shape rule, else
     * (custom domains, or a rule that cannot know them) from the model's value_info.
     */
    private List<Shape> outputShapes(NodeProto n) {
        try {
            Optional<List<Shape>> inferred = ShapeInference.infer(n, operands(n), opset());
            if (inferred.isPresent()) {
                return inferred.get();
            }
        } catch (ShapeInference.Unknown e) {
            return declaredShapes(n, e.getMessage());
        }
        return declaredShapes(n, null);
    }

    private ShapeInference.Operands operands(NodeProto n) {
        return new ShapeInference.Operands() {
            @Override
            public Optional<Shape> shape(int k) {
                return input(n, k).map(op -> op instanceof Operand.Dynamic d ? d.value().shape()
                        : ((Operand.Known) op).array().getShape());
            }

            @Override
            public Optional<NDArray> constant(int k) {
                return known(n, k).map(Operand.Known::array);
            }
        };
    }

    /**
     * Reads the static output shapes of a node from the model's value_info (a symbolic first
     * dimension is the batch size of the first graph input).
     *
     * @param n the node
     * @param unknowable why the standard op's rule cannot know them, or null for an op without a rule
     */
    private List<Shape> declaredShapes(NodeProto n, String unknowable) {
        List<Shape> shapes = new ArrayList<>();
        for (String out : n.getOutputList()) {
            if (out.isEmpty()) {
                continue;
            }
            ValueInfoProto info = infos.get(out);
            if (info == null || !info.getType().getTensorType().hasShape()) {
                throw error(n, unknowable != null
                        ? "the shape of output '" + out + "' cannot be known before running the model ("
                                + unknowable + "), and the model's value_info gives none"
                        : "op '" + n.getOpType() + "'" + (n.getDomain().isEmpty() ? "" : " of domain '"
                                + n.getDomain() + "'") + " has no Bonsai op type and no shape rule, and its output '"
                                + out + "' has no static shape in the model's value_info", null);
            }
            TensorShapeProto sp = info.getType().getTensorType().getShape();
            long[] dims = new long[sp.getDimCount()];
            for (int d = 0; d < dims.length; d++) {
                TensorShapeProto.Dimension dim = sp.getDim(d);
                if (dim.hasDimValue() && dim.getDimValue() > 0) {
                    dims[d] = dim.getDimValue();
                } else if (d == 0) {
                    dims[d] = batch;
                } else {
                    throw error(n, "output '" + out + "' dimension " + d + " is not static in the model's "
                            + "value_info" + (unknowable == null ? "" : " (" + unknowable + ")"), null);
                }
            }
            shapes.add(new Shape(dims));
        }
        return shapes;
    }

    /**
     * Creates the error for a node.
     *
     * @param n the node
     * @param message what is wrong
     * @param cause the cause, or null
     * @return the exception, naming the file and the node
     */
    ModelFormatException error(NodeProto n, String message, Throwable cause) {
        String where = file.path() + ": node '" + (n.getName().isEmpty() ? n.getOutput(0) : n.getName())
                + "' (" + n.getOpType() + "): ";
        return cause == null ? new ModelFormatException(where + message)
                : new ModelFormatException(where + message, cause);
    }
}
