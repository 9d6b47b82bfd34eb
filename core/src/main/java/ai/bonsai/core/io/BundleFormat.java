package ai.bonsai.core.io;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.pf4j.Extension;

/**
 * Bonsai's own bundle ({@code .bonsai}): one zip file holding the graph ({@code graph.json}: inputs
 * with shapes, nodes in topological order with their op type, typed attributes, input and output
 * value names, and the graph outputs) and every parameter ({@code weights.safetensors}).
 *
 * <p>Reading rebuilds the graph through a {@link GraphBuilder}, so that each node re-creates its
 * parameters from its attributes and input shapes (a pruned conv's {@code out_channels} and
 * {@code groups} come back as pruned), then loads the weights strictly. Writing is atomic.
 *
 * <pre>{@code
 * ModelFormat bundle = new BundleFormat();
 * bundle.write(prunedGraph, Path.of("resnet-pruned.bonsai"));
 * Graph g = bundle.read(Path.of("resnet-pruned.bonsai"), host.newGraphBuilder("resnet", 0));
 * }</pre>
 */
@Extension
public final class BundleFormat implements ModelFormat {

    /** The zip entry holding the graph. */
    public static final String GRAPH_ENTRY = "graph.json";

    /** The zip entry holding the weights. */
    public static final String WEIGHTS_ENTRY = "weights.safetensors";

    private static final String FORMAT = "bonsai-bundle";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Creates the format. */
    public BundleFormat() {
    }

    @Override
    public String name() {
        return "bonsai";
    }

    @Override
    public boolean supports(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".bonsai");
    }

    @Override
    public Graph read(Path path, GraphBuilder builder) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            JsonNode root = readGraphJson(path, zip);
            Graph graph = rebuild(new Reader(path), root, builder);
            try {
                loadWeights(path, zip, graph);
            } catch (RuntimeException e) {
                graph.close();
                throw e;
            }
            return graph;
        } catch (IOException e) {
            throw new ModelFormatException("cannot read Bonsai bundle '" + path + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void write(Graph graph, Path path) {
        byte[] graphJson;
        try {
            graphJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(describe(graph));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("cannot write Bonsai bundle '" + path + "': "
                    + e.getMessage(), e);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Parameter p : graph.parameters().values()) {
            tensors.put(p.name(), p.array());
        }
        AtomicFile.write(path, "Bonsai bundle", tmp -> {
            try (ZipOutputStream zip = new ZipOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
                zip.setLevel(Deflater.BEST_SPEED);
                zip.putNextEntry(new ZipEntry(GRAPH_ENTRY));
                zip.write(graphJson);
                zip.closeEntry();
                zip.setLevel(Deflater.NO_COMPRESSION);
                zip.putNextEntry(new ZipEntry(WEIGHTS_ENTRY));
                Safetensors.write(tensors, new EntryStream(zip));
                zip.closeEntry();
            }
        });
    }

    private static ObjectNode describe(Graph graph) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("name", graph.name());
        ObjectNode metadata = root.putObject("metadata");
        graph.metadata().forEach(metadata::put);
        ArrayNode inputs = root.putArray("inputs");
        for (Value v : graph.inputs()) {
            ObjectNode in = inputs.addObject();
            in.put("name", v.name());
            ArrayNode shape = in.putArray("shape");
            for (long d : v.shape().getShape()) {
                shape.add(d);
            }
        }
        ArrayNode nodes = root.putArray("nodes");
        for (Node n : graph.nodes()) {
            ObjectNode node = nodes.addObject();
            node.put("name", n.name());
            node.put("op", n.op().name());
            ObjectNode attributes = node.putObject("attributes");
            Attributes a = n.attributes();
            for (String key : a.keys()) {
                attributes.set(key, describe(a.find(key).orElseThrow()));
            }
            ArrayNode in = node.putArray("inputs");
            n.inputs().forEach(v -> in.add(v.name()));
            ArrayNode out = node.putArray("outputs");
            n.outputs().forEach(v -> out.add(v.name()));
        }
        ArrayNode outputs = root.putArray("outputs");
        graph.outputs().forEach(v -> outputs.add(v.name()));
        return root;
    }

    private static ObjectNode describe(Object value) {
        ObjectNode attribute = JSON.createObjectNode();
        if (value instanceof Long) {
            attribute.put("type", "long").put("value", (Long) value);
        } else if (value instanceof Double) {
            attribute.put("type", "double").put("value", (Double) value);
        } else if (value instanceof Boolean) {
            attribute.put("type", "boolean").put("value", (Boolean) value);
        } else if (value instanceof String) {
            attribute.put("type", "string").put("value", (String) value);
        } else {
            attribute.put("type", "longs");
            ArrayNode values = attribute.putArray("value");
            for (long v : (long[]) value) {
                values.add(v);
            }
        }
        return attribute;
    }

    private static JsonNode readGraphJson(Path path, ZipFile zip) throws IOException {
        ZipEntry entry = zip.getEntry(GRAPH_ENTRY);
        if (entry == null) {
            throw new ModelFormatException("Bonsai bundle '" + path + "' has no entry '"
                    + GRAPH_ENTRY + "'");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("Bonsai bundle '" + path + "': " + GRAPH_ENTRY
                    + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Graph rebuild(Reader r, JsonNode root, GraphBuilder builder) {
        String format = r.text(root, "format", GRAPH_ENTRY);
        long version = r.integer(r.field(root, "version", GRAPH_ENTRY), "version", GRAPH_ENTRY);
        if (!FORMAT.equals(format) || version != VERSION) {
            throw r.error(GRAPH_ENTRY + ": expected format '" + FORMAT + "' version " + VERSION
                    + ", found '" + format + "' version " + version);
        }
        Map<String, Value> values = new HashMap<>();
        try {
            JsonNode metadata = root.path("metadata");
            for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                builder.metadata(e.getKey(), r.textValue(e.getValue(), "metadata", GRAPH_ENTRY));
            }
            for (JsonNode in : r.array(root, "inputs", GRAPH_ENTRY)) {
                String name = r.text(in, "name", "input");
                String where = "input '" + name + "'";
                values.put(name, builder.input(name, new Shape(r.longs(r.field(in, "shape", where), "shape", where))));
            }
            for (JsonNode n : r.array(root, "nodes", GRAPH_ENTRY)) {
                String name = r.text(n, "name", "node");
                rebuildNode(r, n, "node '" + name + "'", name, builder, values);
            }
            List<Value> outputs = new ArrayList<>();
            for (JsonNode o : r.array(root, "outputs", GRAPH_ENTRY)) {
                outputs.add(r.value(values, r.textValue(o, "outputs", GRAPH_ENTRY), GRAPH_ENTRY + " outputs"));
            }
            builder.output(outputs.toArray(new Value[0]));
            return builder.build();
        } catch (ModelFormatException e) {
            throw e;
        } catch (BonsaiException e) {
            throw r.error(e.getMessage(), e);
        }
    }

    private static void rebuildNode(Reader r, JsonNode n, String where, String name, GraphBuilder builder,
            Map<String, Value> values) {
        String op = r.text(n, "op", where);
        Attributes attributes = Attributes.of();
        JsonNode attrs = r.field(n, "attributes", where);
        if (!attrs.isObject()) {
            throw r.error(where + ": field 'attributes' must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            attributes = attributes.with(e.getKey(), r.attribute(e.getValue(), where + " attribute '" + e.getKey() + "'"));
        }
        List<Value> inputs = new ArrayList<>();
        for (JsonNode in : r.array(n, "inputs", where)) {
            inputs.add(r.value(values, r.textValue(in, "inputs", where), where));
        }
        List<String> outputNames = new ArrayList<>();
        for (JsonNode out : r.array(n, "outputs", where)) {
            outputNames.add(r.textValue(out, "outputs", where));
        }
        List<Value> outputs = builder.node(op, name, attributes, inputs.toArray(new Value[0]));
        if (outputs.size() != outputNames.size()) {
            throw r.error(where + ": lists " + outputNames.size() + " outputs, op type '" + op
                    + "' produces " + outputs.size());
        }
        for (int k = 0; k < outputs.size(); k++) {
            values.put(outputNames.get(k), outputs.get(k));
        }
    }

    private static void loadWeights(Path path, ZipFile zip, Graph graph) throws IOException {
        ZipEntry entry = zip.getEntry(WEIGHTS_ENTRY);
        if (entry == null) {
            throw new ModelFormatException("Bonsai bundle '" + path + "' has no entry '"
                    + WEIGHTS_ENTRY + "'");
        }
        if (!(graph instanceof DefaultGraph)) {
            throw new ModelFormatException("Bonsai bundle '" + path + "': the builder made a "
                    + graph.getClass().getName() + "; loading weights needs Bonsai's in-memory graph");
        }
        String source = path + "!" + WEIGHTS_ENTRY;
        try (NDManager scratch = ((DefaultGraph) graph).manager().newSubManager();
                InputStream in = zip.getInputStream(entry)) {
            WeightLoader.load(graph, Safetensors.read(in, source, scratch), source);
        }
    }

    /** Reads fields of graph.json, failing with errors that name the file and the field. */
    private static final class Reader {

        private final Path path;

        Reader(Path path) {
            this.path = path;
        }

        ModelFormatException error(String message) {
            return new ModelFormatException("Bonsai bundle '" + path + "': " + message);
        }

        ModelFormatException error(String message, Throwable cause) {
            return new ModelFormatException("Bonsai bundle '" + path + "': " + message, cause);
        }

        JsonNode field(JsonNode parent, String field, String where) {
            JsonNode v = parent.get(field);
            if (v == null || v.isNull()) {
                throw error(where + ": missing field '" + field + "'");
            }
            return v;
        }

        String text(JsonNode parent, String field, String where) {
            return textValue(field(parent, field, where), field, where);
        }

        String textValue(JsonNode v, String field, String where) {
            if (!v.isTextual()) {
                throw error(where + ": field '" + field + "' must be a string, found " + v.getNodeType());
            }
            return v.textValue();
        }

        JsonNode array(JsonNode parent, String field, String where) {
            JsonNode v = field(parent, field, where);
            if (!v.isArray()) {
                throw error(where + ": field '" + field + "' must be an array, found " + v.getNodeType());
            }
            return v;
        }

        long integer(JsonNode v, String field, String where) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error(where + ": field '" + field + "' must be an integer, found " + v);
            }
            return v.longValue();
        }

        long[] longs(JsonNode v, String field, String where) {
            if (!v.isArray()) {
                throw error(where + ": field '" + field + "' must be an array of integers, found " + v);
            }
            long[] out = new long[v.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = integer(v.get(i), field, where);
            }
            return out;
        }

        Value value(Map<String, Value> values, String name, String where) {
            Value v = values.get(name);
            if (v == null) {
                throw error(where + ": unknown value '" + name + "' (not a graph input nor an earlier node's output)");
            }
            return v;
        }

        Object attribute(JsonNode a, String where) {
            if (!a.isObject()) {
                throw error(where + ": must be an object with 'type' and 'value'");
            }
            String type = text(a, "type", where);
            JsonNode v = field(a, "value", where);
            switch (type) {
                case "long":
                    return integer(v, "value", where);
                case "double":
                    if (v.isNumber()) {
                        return v.doubleValue();
                    }
                    if (v.isTextual()) {
                        try {
                            return Double.parseDouble(v.textValue());
                        } catch (NumberFormatException e) {
                            throw error(where + ": field 'value' must be a number, found " + v, e);
                        }
                    }
                    throw error(where + ": field 'value' must be a number, found " + v);
                case "boolean":
                    if (!v.isBoolean()) {
                        throw error(where + ": field 'value' must be a boolean, found " + v);
                    }
                    return v.booleanValue();
                case "string":
                    return textValue(v, "value", where);
                case "longs":
                    return longs(v, "value", where);
                default:
                    throw error(where + ": unknown attribute type '" + type
                            + "' (expected long, double, boolean, string or longs)");
            }
        }
    }

    /** Lets a codec write one zip entry without closing the archive; writes go through in bulk. */
    private static final class EntryStream extends FilterOutputStream {

        EntryStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
