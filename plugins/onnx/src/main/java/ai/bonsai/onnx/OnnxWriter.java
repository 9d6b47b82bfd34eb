package ai.bonsai.onnx;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.types.DataType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a Bonsai graph as an ONNX model: the opset, IR version, producer, graph name, node names
 * and {@code metadata_props} of the source model when the graph was read from ONNX (opset 17 and
 * IR 8 otherwise), the current parameter arrays as initializers, the current shapes on the graph
 * inputs and outputs, and a {@code bonsai.provenance} entry. The file is written to a temporary
 * file next to the target (mode {@code rw-r--r--}, as core's safetensors writer) and renamed over
 * it, so a failed write leaves nothing behind.
 */
final class OnnxWriter {

    /** The opset written for graphs that were not read from ONNX. */
    static final long DEFAULT_OPSET = 17;
    /** IR versions below this one list every initializer among the graph inputs too. */
    static final long IR_WITHOUT_INITIALIZER_INPUTS = 4;
    /** The metadata_props key of the provenance entry. */
    static final String PROVENANCE = "bonsai.provenance";

    private OnnxWriter() {
    }

    /**
     * Writes a graph.
     *
     * @param graph the graph
     * @param target the file
     * @param settings the pruning settings to record in the provenance entry
     * @param codecs the op codecs
     * @throws ModelFormatException naming the file (and node) on failure; no file is left behind
     */
    static void write(Graph graph, Path target, Map<String, String> settings, Codecs codecs) {
        ModelProto model;
        try {
            model = toModel(graph, settings, codecs);
        } catch (BonsaiException e) {
            throw new ModelFormatException(target + ": " + e.getMessage(), e);
        }
        AtomicFile.write(target, "ONNX model", temp -> {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ModelStreamer.write(model, channel);
            }
        });
    }

    /**
     * Builds the ONNX model of a graph.
     *
     * @param graph the graph
     * @param settings the pruning settings to record in the provenance entry
     * @param codecs the op codecs
     * @return the model
     */
    static ModelProto toModel(Graph graph, Map<String, String> settings, Codecs codecs) {
        Map<String, String> meta = graph.metadata();
        long opset = Long.parseLong(meta.getOrDefault(OnnxMetadata.OPSET, String.valueOf(DEFAULT_OPSET)));
        long ir = Long.parseLong(meta.getOrDefault(OnnxMetadata.IR_VERSION, "8"));
        Map<Value, String> names = new IdentityHashMap<>();
        for (Value v : graph.inputs()) {
            names.put(v, v.name());
        }
        for (Node n : graph.nodes()) {
            for (Value v : n.outputs()) {
                names.put(v, v.name());
            }
        }
        for (int k = 0; k < graph.outputs().size(); k++) {
            String original = meta.get(OnnxMetadata.OUTPUT_PREFIX + k);
            if (original != null) {
                names.put(graph.outputs().get(k), original);
            }
        }
        constantsUnderTheirSourceNames(graph, names);
        GraphProto.Builder g = GraphProto.newBuilder()
                .setName(meta.getOrDefault(OnnxMetadata.GRAPH_NAME, graph.name()))
                .setDocString(meta.getOrDefault(OnnxMetadata.GRAPH_DOC_STRING, ""));
        Map<String, Long> domains = new TreeMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(OnnxMetadata.DOMAIN_OPSET_PREFIX)) {
                domains.put(k.substring(OnnxMetadata.DOMAIN_OPSET_PREFIX.length()), Long.parseLong(v));
            }
        });
        NodeEmitter emitter = new NodeEmitter(graph, g, names, opset, codecs, domains,
                new TensorNames(meta, names.values()));
        for (Node n : graph.nodes()) {
            emitter.emit(n);
        }
        for (Value v : graph.inputs()) {
            int type = Integer.parseInt(meta.getOrDefault(OnnxMetadata.INPUT_TYPE_PREFIX + v.name(),
                    declaredType(meta.get(GraphBuilder.INPUT_DATA_TYPE_PREFIX + v.name()))));
            g.addInput(valueInfo(v.name(), type, v.shape().getShape(),
                    meta.get(OnnxMetadata.INPUT_DIMS_PREFIX + v.name()), null, meta));
        }
        String batch = graph.inputs().stream()
                .map(v -> meta.get(OnnxMetadata.INPUT_DIMS_PREFIX + v.name()))
                .filter(java.util.Objects::nonNull).map(d -> d.split(",", -1)[0])
                .filter(d -> !isStatic(d)).findFirst().orElse(null);
        for (int k = 0; k < graph.outputs().size(); k++) {
            Value v = graph.outputs().get(k);
            int type = Integer.parseInt(meta.getOrDefault(OnnxMetadata.OUTPUT_TYPE_PREFIX + k, "1"));
            g.addOutput(valueInfo(names.get(v), type, v.shape().getShape(),
                    meta.get(OnnxMetadata.OUTPUT_DIMS_PREFIX + k), batch, meta));
        }
        if (ir < IR_WITHOUT_INITIALIZER_INPUTS) {
            for (TensorProto t : g.getInitializerList()) {
                g.addInput(ValueInfoProto.newBuilder().setName(t.getName()).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.getDataType())
                                .setShape(staticShape(t.getDimsList())))));
            }
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(ir)
                .setProducerName(meta.getOrDefault(OnnxMetadata.PRODUCER_NAME, "bonsai"))
                .setProducerVersion(meta.getOrDefault(OnnxMetadata.PRODUCER_VERSION, Provenance.version()))
                .setDocString(meta.getOrDefault(OnnxMetadata.DOC_STRING, ""))
                .setDomain(meta.getOrDefault(OnnxMetadata.MODEL_DOMAIN, ""))
                .setModelVersion(Long.parseLong(meta.getOrDefault(OnnxMetadata.MODEL_VERSION, "0")))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g);
        domains.forEach((domain, version) -> m.addOpsetImport(OperatorSetIdProto.newBuilder()
                .setDomain(domain).setVersion(version)));
        meta.forEach((k, v) -> {
            if (k.startsWith(OnnxMetadata.PROPS_PREFIX) && !k.equals(OnnxMetadata.PROPS_PREFIX + PROVENANCE)) {
                m.addMetadataProps(StringStringEntryProto.newBuilder()
                        .setKey(k.substring(OnnxMetadata.PROPS_PREFIX.length())).setValue(v));
            }
        });
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(PROVENANCE)
                .setValue(Provenance.of(graph, trainableElements(graph), settings)));
        return m.build();
    }

    private static long trainableElements(Graph graph) {
        long total = 0;
        for (Parameter p : graph.parameters().values()) {
            if (p.trainable()) {
                total += p.shape().size();
            }
        }
        return total;
    }

    /** The ONNX element type code of an input type a builder declared, float when none was. */
    private static String declaredType(String djlType) {
        if (djlType == null) {
            return "1";
        }
        return String.valueOf(OnnxDataType.ofDjl(DataType.valueOf(djlType.toUpperCase(Locale.ROOT)))
                .orElse(OnnxDataType.FLOAT).code());
    }

    /**
     * Gives each {@code onnx_constant} the name its tensor had in the source model when no other
     * value has it.
     */
    private static void constantsUnderTheirSourceNames(Graph graph, Map<Value, String> names) {
        Set<String> used = new HashSet<>(names.values());
        for (Node n : graph.nodes()) {
            if (!n.op().name().equals(OnnxConstantOp.NAME) || graph.outputs().contains(n.output())) {
                continue;
            }
            String source = graph.metadata().get(OnnxMetadata.TENSOR_NAME_PREFIX + n.parameter("value").name());
            if (source != null && !source.equals(names.get(n.output())) && used.add(source)) {
                names.put(n.output(), source);
            }
        }
    }

    private static boolean isStatic(String dim) {
        return !dim.isEmpty() && dim.chars().allMatch(Character::isDigit);
    }

    /**
     * Declares a graph input or output: the current sizes where the source declared static ones,
     * the source's symbolic dimensions where it declared those (so the file accepts every size the
     * source did), and the inputs' symbolic batch name on the first dimension of an output the
     * source declared static or without a shape.
     */
    private static ValueInfoProto valueInfo(String name, int elemType, long[] dims, String declared, String batch,
            Map<String, String> meta) {
        String[] source = declared == null ? null : declared.split(",", -1);
        if (source != null && source.length != dims.length) {
            source = null;
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d = 0; d < dims.length; d++) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            String s = source != null && !(d == 0 && batch != null && isStatic(source[d])) ? source[d]
                    : d == 0 ? batch : null;
            if (s == null || isStatic(s)) {
                dim.setDimValue(dims[d]);
            } else if (!s.equals(InputShapes.UNKNOWN)) {
                dim.setDimParam(s);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setDocString(meta.getOrDefault(OnnxMetadata.VALUE_DOC_PREFIX + name, ""))
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }

    private static TensorShapeProto staticShape(List<Long> dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        dims.forEach(d -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
        return shape.build();
    }
}
