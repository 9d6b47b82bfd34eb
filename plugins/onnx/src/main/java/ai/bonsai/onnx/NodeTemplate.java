package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An ONNX node kept as it was read, in the {@code onnx_node} attribute of the node types that are
 * written back unchanged ({@code onnx_opaque}, {@code onnx_elementwise}): the node without its name,
 * each input and output slot {@code ?} when present and empty when absent, attributes and doc
 * string as read.
 */
final class NodeTemplate {

    /** The attribute that holds the template. */
    static final String ATTRIBUTE = "onnx_node";

    private NodeTemplate() {
    }

    /**
     * Encodes a node.
     *
     * @param n the node
     * @return the base64 text of the template
     */
    static String encode(NodeProto n) {
        NodeProto.Builder t = n.toBuilder().clearName().clearInput().clearOutput();
        for (String in : n.getInputList()) {
            t.addInput(in.isEmpty() ? "" : "?");
        }
        for (String out : n.getOutputList()) {
            t.addOutput(out.isEmpty() ? "" : "?");
        }
        return Base64.getEncoder().encodeToString(t.build().toByteArray());
    }

    /**
     * Decodes the template of a node.
     *
     * @param a the Bonsai node's attributes
     * @param owner the Bonsai node's name, for messages
     * @return the template
     * @throws GraphException naming the node when the attribute is corrupt
     */
    static NodeProto decode(Attributes a, String owner) {
        try {
            return NodeProto.parseFrom(Base64.getDecoder().decode(a.getString(ATTRIBUTE)));
        } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
            throw new GraphException("node '" + owner + "': attribute " + ATTRIBUTE + " is corrupt", e);
        }
    }

    /**
     * Spreads the inputs a node receives over the template's input slots.
     *
     * @param template the template
     * @param present the inputs of the present slots, in order
     * @param <T> the input type
     * @return one entry per slot, null for an absent one
     */
    static <T> List<T> bySlot(NodeProto template, List<T> present) {
        List<T> slots = new ArrayList<>();
        int next = 0;
        for (String slot : template.getInputList()) {
            slots.add(slot.isEmpty() ? null : present.get(next++));
        }
        return slots;
    }
}
