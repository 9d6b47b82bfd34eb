package ai.bonsai.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;


/**
 * Maps the single ONNX ops that no codec imports yet (dense and shape ops) to
 * Bonsai op types with channel semantics, dispatching by op type to the mapping families. A mapping returns false for a configuration Bonsai cannot express (the node is
 * then kept opaque) and throws for a malformed node.
 */
final class OpMappings {

    private final DenseMappings dense;
    private final ShapeMappings shapes;

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    OpMappings(OnnxImporter ctx) {
        this.dense = new DenseMappings(ctx);
        this.shapes = new ShapeMappings(ctx);
    }

    /**
     * Maps a node if its op and configuration have a Bonsai equivalent.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean tryMap(NodeProto n) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            return false;
        }
        return switch (n.getOpType()) {
            case "Gemm" -> dense.gemm(n);
            case "MatMul" -> dense.matMul(n);
            case "Flatten" -> shapes.flatten(n);
            case "Reshape" -> shapes.reshape(n);
            case "Squeeze", "Unsqueeze" -> shapes.squeezeOrUnsqueeze(n);
            case "Transpose" -> shapes.transpose(n);
            case "Expand" -> shapes.expand(n);
            case "Concat" -> shapes.concat(n);
            case "Split" -> shapes.split(n);
            case "Slice" -> shapes.slice(n);
            case "Gather" -> dense.embedding(n);
            default -> false;
        };
    }
}
