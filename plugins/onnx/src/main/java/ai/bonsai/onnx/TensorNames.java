package ai.bonsai.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes the parameters of a graph where they came from: under the name the tensor had in the
 * source model ({@link OnnxMetadata#TENSOR_NAME_PREFIX}), as an initializer or, when it was the
 * output of a {@code Constant} node, as that {@code Constant} node again. A parameter with no
 * recorded source, or whose source name is taken already (an initializer two nodes shared), keeps
 * its Bonsai name.
 */
final class TensorNames {

    private final Map<String, String> metadata;
    private final Set<String> taken;

    /**
     * Creates the names of one written graph.
     *
     * @param metadata the graph's metadata
     * @param valueNames the names of the graph's values (inputs and node outputs), which tensors
     *     must not take
     */
    TensorNames(Map<String, String> metadata, Collection<String> valueNames) {
        this.metadata = metadata;
        this.taken = new HashSet<>(valueNames);
    }

    /**
     * Returns the name a parameter is written under, and reserves it.
     *
     * @param parameter the Bonsai parameter name
     * @return the source model's name when recorded and free, else the Bonsai name
     */
    String nameOf(String parameter) {
        String source = metadata.get(OnnxMetadata.TENSOR_NAME_PREFIX + parameter);
        if (source != null && taken.add(source)) {
            return source;
        }
        taken.add(parameter);
        return parameter;
    }

    /**
     * Adds a parameter's tensor to the graph: as the {@code Constant} node it came from when its
     * source name was given back, else as an initializer.
     *
     * @param parameter the Bonsai parameter name
     * @param tensor the tensor, named by {@link #nameOf}
     * @param out the graph being written
     */
    void add(String parameter, TensorProto tensor, GraphProto.Builder out) {
        String node = metadata.get(OnnxMetadata.CONSTANT_NODE_PREFIX + parameter);
        if (node == null || !tensor.getName().equals(metadata.get(OnnxMetadata.TENSOR_NAME_PREFIX + parameter))) {
            out.addInitializer(tensor);
            return;
        }
        NodeProto.Builder constant = NodeProto.newBuilder().setName(node).setOpType("Constant")
                .addOutput(tensor.getName()).addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(tensor.toBuilder().clearName()));
        String doc = metadata.get(OnnxMetadata.NODE_DOC_PREFIX + node);
        if (doc != null) {
            constant.setDocString(doc);
        }
        out.addNode(constant);
    }
}
