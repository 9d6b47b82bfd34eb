package ai.bonsai.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Optional;

/** Typed access to the attributes of one ONNX node, with defaults as the operator specs give. */
final class OnnxAttributes {

    private final NodeProto node;

    /**
     * Wraps a node.
     *
     * @param node the node
     */
    OnnxAttributes(NodeProto node) {
        this.node = node;
    }

    private Optional<AttributeProto> find(String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether an attribute is present.
     *
     * @param name the attribute
     * @return true if present
     */
    boolean has(String name) {
        return find(name).isPresent();
    }

    /**
     * Returns an integer attribute.
     *
     * @param name the attribute
     * @param fallback the default
     * @return the value
     */
    long i(String name, long fallback) {
        return find(name).map(AttributeProto::getI).orElse(fallback);
    }

    /**
     * Returns a float attribute.
     *
     * @param name the attribute
     * @param fallback the default
     * @return the value
     */
    float f(String name, float fallback) {
        return find(name).map(AttributeProto::getF).orElse(fallback);
    }

    /**
     * Returns a string attribute.
     *
     * @param name the attribute
     * @param fallback the default
     * @return the value
     */
    String s(String name, String fallback) {
        return find(name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
    }

    /**
     * Returns an integer list attribute.
     *
     * @param name the attribute
     * @return the values, or empty when absent
     */
    Optional<long[]> ints(String name) {
        return find(name).map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * Returns a float list attribute.
     *
     * @param name the attribute
     * @return the values, or empty when absent
     */
    Optional<float[]> floats(String name) {
        return find(name).map(a -> {
            float[] v = new float[a.getFloatsCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.getFloats(i);
            }
            return v;
        });
    }

    /**
     * Returns a tensor attribute.
     *
     * @param name the attribute
     * @return the tensor, or empty when absent
     */
    Optional<TensorProto> tensor(String name) {
        return find(name).filter(AttributeProto::hasT).map(AttributeProto::getT);
    }

    /**
     * Returns a graph attribute (a branch or loop body).
     *
     * @param name the attribute
     * @return the graph, or empty when absent
     */
    Optional<GraphProto> graph(String name) {
        return find(name).filter(AttributeProto::hasG).map(AttributeProto::getG);
    }
}
