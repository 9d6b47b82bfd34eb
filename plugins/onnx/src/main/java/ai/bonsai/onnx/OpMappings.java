package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.onnx.proto.OnnxMl.NodeProto;


/**
 * Maps single ONNX ops to Bonsai op types with channel semantics, dispatching by op type to the
 * mapping families. A mapping returns false for a configuration Bonsai cannot express (the node is
 * then kept opaque) and throws for a malformed node.
 */
final class OpMappings {

    private final SpatialMappings spatial;
    private final DenseMappings dense;
    private final NormMappings norms;
    private final ShapeMappings shapes;
    private final ElementwiseMappings elementwise;

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    OpMappings(OnnxImporter ctx) {
        this.spatial = new SpatialMappings(ctx);
        this.dense = new DenseMappings(ctx);
        this.norms = new NormMappings(ctx);
        this.shapes = new ShapeMappings(ctx);
        this.elementwise = new ElementwiseMappings(ctx);
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
            case "Conv" -> spatial.conv(n);
            case "ConvTranspose" -> spatial.convTranspose(n);
            case "BatchNormalization" -> norms.batchNorm(n);
            case "Gemm" -> dense.gemm(n);
            case "MatMul" -> dense.matMul(n);
            case "Relu" -> elementwise.unary(n, "relu");
            case "Sigmoid" -> elementwise.unary(n, "sigmoid");
            case "Tanh" -> elementwise.unary(n, "tanh");
            case "HardSwish" -> elementwise.unary(n, "hardswish");
            case "Erf" -> elementwise.unary(n, "erf");
            case "LeakyRelu" -> elementwise.unary(n, "leaky_relu", Attributes.of()
                    .with("negative_slope", (double) new OnnxAttributes(n).f("alpha", 0.01f)));
            case "HardSigmoid" -> elementwise.unary(n, "hard_sigmoid", Attributes.of()
                    .with("alpha", (double) new OnnxAttributes(n).f("alpha", 0.2f))
                    .with("beta", (double) new OnnxAttributes(n).f("beta", 0.5f)));
            case "Gelu" -> "none".equals(new OnnxAttributes(n).s("approximate", "none"))
                    && elementwise.unary(n, "gelu");
            case "Clip" -> elementwise.clip(n);
            case "PRelu" -> elementwise.prelu(n);
            case "Add" -> elementwise.binary(n, "add");
            case "Sub" -> elementwise.binary(n, "sub");
            case "Mul" -> elementwise.binary(n, "mul");
            case "Div" -> elementwise.binary(n, "div");
            case "MaxPool" -> spatial.pool(n, "max_pool2d");
            case "AveragePool" -> spatial.pool(n, "avg_pool2d");
            case "GlobalAveragePool" -> spatial.globalAveragePool(n);
            case "Flatten" -> shapes.flatten(n);
            case "Reshape" -> shapes.reshape(n);
            case "Squeeze", "Unsqueeze" -> shapes.squeezeOrUnsqueeze(n);
            case "Transpose" -> shapes.transpose(n);
            case "Concat" -> shapes.concat(n);
            case "Split" -> shapes.split(n);
            case "Slice" -> shapes.slice(n);
            case "Pad" -> spatial.pad(n);
            case "Resize" -> spatial.resize(n);
            case "Softmax" -> elementwise.softmax(n);
            case "ReduceMean" -> elementwise.reduce(n, "mean");
            case "ReduceSum" -> elementwise.reduce(n, "sum");
            case "Identity" -> elementwise.unary(n, "identity");
            case "Dropout" -> elementwise.dropout(n);
            case "Gather" -> dense.embedding(n);
            case "LayerNormalization" -> norms.layerNorm(n);
            case "InstanceNormalization" -> norms.instanceNorm(n);
            default -> false;
        };
    }
}
