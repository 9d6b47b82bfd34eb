package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Core's {@code parameter} op (an unwrapped tensor: a class token, position embeddings, a layer
 * scale) written as an initializer named after the parameter, which is also the node's value name,
 * so that it reads back as the same parameter ({@link UnwrappedParameters}); when the value is a
 * graph output under another name, the initializer passes through an {@code Identity} whose output
 * keeps that name. Nothing is imported here.
 */
final class ParameterCodec extends FamilyCodec {

    @Override
    public Set<String> exports() {
        return Set.of("parameter");
    }

    @Override
    public void exportNode(Node node, OnnxExportContext context) {
        if (context.output(0).equals(node.parameter("").name())) {
            context.parameter("");
            return;
        }
        last(context, "Identity", List.of(context.initializer("value",
                node.parameter("").array())), Map.of());
    }
}
