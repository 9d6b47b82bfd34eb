package ai.bonsai.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Maps the ONNX ops that no codec imports yet (the dense ops: Gemm, MatMul with its bias Add,
 * Gather) to Bonsai op types. A mapping returns false for a configuration Bonsai cannot express
 * (the node is then kept opaque) and throws for a malformed node.
 */
final class OpMappings {

    private final DenseMappings dense;

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    OpMappings(OnnxImporter ctx) {
        this.dense = new DenseMappings(ctx);
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
            case "Gather" -> dense.embedding(n);
            default -> false;
        };
    }
}
