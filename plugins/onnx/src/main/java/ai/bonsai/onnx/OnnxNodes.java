package ai.bonsai.onnx;

import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.NDArray;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Converts between protobuf {@link NodeProto}s and the protobuf-free {@link OnnxNode}s that codecs
 * see, attribute values included.
 */
final class OnnxNodes {

    private OnnxNodes() {
    }

    /**
     * Returns a Transpose node's permutation.
     *
     * @param transpose the node
     * @return its {@code perm} attribute, empty when absent
     */
    static long[] perm(NodeProto transpose) {
        return new OnnxAttributes(transpose).ints("perm").orElse(new long[0]);
    }

    /**
     * Returns a node's operator.
     *
     * @param n the node
     * @return its domain and op type
     */
    static OnnxOpId id(NodeProto n) {
        return new OnnxOpId(n.getDomain(), n.getOpType());
    }

    /**
     * Views a node for a codec.
     *
     * @param n the node
     * @param tensors decodes a tensor attribute (named for messages)
     * @return the view; attributes of kinds codecs cannot see are left out
     */
    static OnnxNode view(NodeProto n, Function<AttributeProto, NDArray> tensors) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            Object v = switch (a.getType()) {
                case INT -> a.getI();
                case FLOAT -> (double) a.getF();
                case STRING -> a.getS().toStringUtf8();
                case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                case FLOATS -> a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
                case STRINGS -> a.getStringsList().stream().map(ByteString::toStringUtf8).toList();
                case TENSOR -> tensors.apply(a);
                default -> null;
            };
            if (v != null) {
                attributes.put(a.getName(), v);
            }
        }
        return new OnnxNode(n.getName(), n.getDomain(), n.getOpType(), attributes, n.getInputList(),
                n.getOutputList());
    }

    /**
     * Builds the protobuf node of an emitted node, attributes sorted by name.
     *
     * @param node the node
     * @param name the node name to write
     * @param owner the Bonsai node being written, for messages
     * @return the node
     * @throws ModelFormatException naming the Bonsai node when an attribute value has no ONNX kind
     */
    static NodeProto.Builder toProto(OnnxNode node, String name, String owner) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(name).setDomain(node.domain())
                .setOpType(node.opType()).addAllInput(node.inputs()).addAllOutput(node.outputs());
        for (Map.Entry<String, Object> e : new TreeMap<>(node.attributes()).entrySet()) {
            b.addAttribute(attribute(e.getKey(), e.getValue(), owner));
        }
        return b;
    }

    private static AttributeProto attribute(String name, Object v, String owner) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (v instanceof Long || v instanceof Integer) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
        } else if (v instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (v instanceof long[] l) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long x : l) {
                a.addInts(x);
            }
        } else if (v instanceof double[] d) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (double x : d) {
                a.addFloats((float) x);
            }
        } else if (v instanceof List<?> l && l.stream().allMatch(String.class::isInstance)) {
            a.setType(AttributeProto.AttributeType.STRINGS);
            List<ByteString> strings = new ArrayList<>();
            l.forEach(s -> strings.add(ByteString.copyFromUtf8((String) s)));
            a.addAllStrings(strings);
        } else if (v instanceof NDArray t) {
            a.setType(AttributeProto.AttributeType.TENSOR).setT(TensorEncoder.encode(name, t));
        } else {
            throw new ModelFormatException("node '" + owner + "': attribute '" + name + "' is a "
                    + (v == null ? "null" : v.getClass().getName()) + ", which has no ONNX attribute kind");
        }
        return a.build();
    }
}
