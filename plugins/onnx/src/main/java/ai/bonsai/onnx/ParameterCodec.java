package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Core's {@code parameter} op (an unwrapped tensor: a class token, position embeddings, a layer
 * scale) written as an initializer passed through an {@code Identity} whose output keeps the
 * node's value name (the initializer cannot: ONNX names are unique). Nothing is imported:
 * initializers read as operands already become parameters.
 */
final class ParameterCodec extends FamilyCodec {

    @Override
    public Set<String> exports() {
        return Set.of("parameter");
    }

    @Override
    public void exportNode(Node node, OnnxExportContext context) {
        last(context, "Identity", List.of(context.initializer("value",
                node.parameter("").array())), Map.of());
    }
}
