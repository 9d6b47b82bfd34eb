package ai.bonsai.api.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One ONNX node, free of the protobuf classes: what the importer shows a codec, and what a codec
 * asks the writer to emit.
 *
 * <p>Attribute values are plain Java values: {@code INT} is a {@link Long}, {@code FLOAT} a
 * {@link Double}, {@code STRING} a {@link String}, {@code INTS} a {@code long[]}, {@code FLOATS} a
 * {@code double[]}, {@code STRINGS} a {@code List<String>} and {@code TENSOR} an
 * {@link ai.djl.ndarray.NDArray}. Attributes of other kinds (graphs, sparse tensors, type protos)
 * are not shown on import and cannot be emitted.
 *
 * <pre>{@code
 * context.emit(OnnxNode.of("com.example", "Scale", List.of(context.input(0), scale),
 *         List.of(context.output(0)), Map.of("axis", 1L)));
 * }</pre>
 *
 * @param name the node name; empty on emission lets the writer name it (the name the node had
 *     when it was read, or the Bonsai node's name)
 * @param domain the domain ({@code ""} for the default ONNX domain)
 * @param opType the op type
 * @param attributes the attributes by name
 * @param inputs the input value names; {@code ""} marks an absent optional input
 * @param outputs the output value names; {@code ""} marks an absent optional output
 */
public record OnnxNode(String name, String domain, String opType, Map<String, Object> attributes,
        List<String> inputs, List<String> outputs) {

    /**
     * Creates a node, copying the collections (attribute order is kept).
     *
     * @param name the node name
     * @param domain the domain
     * @param opType the op type
     * @param attributes the attributes
     * @param inputs the input names
     * @param outputs the output names
     */
    public OnnxNode {
        Objects.requireNonNull(name, "name");
        domain = new OnnxOpId(domain, opType).domain();
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * Creates an unnamed node to emit.
     *
     * @param domain the domain
     * @param opType the op type
     * @param inputs the input names
     * @param outputs the output names
     * @param attributes the attributes
     * @return the node
     */
    public static OnnxNode of(String domain, String opType, List<String> inputs, List<String> outputs,
            Map<String, Object> attributes) {
        return new OnnxNode("", domain, opType, attributes, inputs, outputs);
    }

    /**
     * Returns the node's operator.
     *
     * @return the domain and op type
     */
    public OnnxOpId id() {
        return new OnnxOpId(domain, opType);
    }

    /**
     * Tells whether the node carries an attribute.
     *
     * @param attribute the attribute name
     * @return true if present
     */
    public boolean has(String attribute) {
        return attributes.containsKey(attribute);
    }

    /**
     * Returns an {@code INT} attribute.
     *
     * @param attribute the attribute name
     * @param orElse the value when absent
     * @return the value
     * @throws IllegalArgumentException when the attribute has another kind
     */
    public long longAttr(String attribute, long orElse) {
        return typed(attribute, Long.class).orElse(orElse);
    }

    /**
     * Returns a {@code FLOAT} attribute.
     *
     * @param attribute the attribute name
     * @param orElse the value when absent
     * @return the value
     * @throws IllegalArgumentException when the attribute has another kind
     */
    public double doubleAttr(String attribute, double orElse) {
        return typed(attribute, Double.class).orElse(orElse);
    }

    /**
     * Returns a {@code STRING} attribute.
     *
     * @param attribute the attribute name
     * @param orElse the value when absent
     * @return the value
     * @throws IllegalArgumentException when the attribute has another kind
     */
    public String stringAttr(String attribute, String orElse) {
        return typed(attribute, String.class).orElse(orElse);
    }

    /**
     * Returns an {@code INTS} attribute.
     *
     * @param attribute the attribute name
     * @return the values, or empty when absent
     * @throws IllegalArgumentException when the attribute has another kind
     */
    public Optional<long[]> longsAttr(String attribute) {
        return typed(attribute, long[].class).map(long[]::clone);
    }

    private <T> Optional<T> typed(String attribute, Class<T> type) {
        Object v = attributes.get(attribute);
        if (v == null) {
            return Optional.empty();
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("attribute '" + attribute + "' of node '" + name + "' ("
                    + id() + ") is a " + v.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return Optional.of(type.cast(v));
    }
}
