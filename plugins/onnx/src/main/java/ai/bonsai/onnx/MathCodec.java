package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sin, Cos and Cast of computed values (constant ones are folded at import), as the ONNX plugin's
 * own op types {@code onnx_sin}, {@code onnx_cos} and {@code onnx_cast}, and back.
 */
final class MathCodec extends FamilyCodec {

    @Override
    public Set<OnnxOpId> imports() {
        return Set.of(OnnxOpId.of("Sin"), OnnxOpId.of("Cos"), OnnxOpId.of("Cast"));
    }

    @Override
    public Set<String> exports() {
        return Set.of(OnnxSinOp.NAME, OnnxCosOp.NAME, OnnxCastOp.NAME);
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        return switch (n.opType()) {
            case "Sin" -> unary(c, OnnxSinOp.NAME, Attributes.of());
            case "Cos" -> unary(c, OnnxCosOp.NAME, Attributes.of());
            default -> OnnxDataType.ofCode((int) n.longAttr("to", 0)).isPresent()
                    ? unary(c, OnnxCastOp.NAME, Attributes.of().with("to", n.longAttr("to", 0))) : DECLINE;
        };
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        switch (node.op().name()) {
            case OnnxSinOp.NAME -> simple(c, "Sin");
            case OnnxCosOp.NAME -> simple(c, "Cos");
            default -> last(c, "Cast", List.of(c.input(0)), Map.of("to", node.attributes().getLong("to")));
        }
    }
}
