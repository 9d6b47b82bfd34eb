package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.ModelFormatException;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The default-domain opset in which ONNX introduced each standard operator that appeared after
 * opset 7 (the oldest opset Bonsai reads), so that a model never holds an operator its opset does
 * not have: reading refuses such a node, and writing refuses to emit one (Erf, hence an exact
 * GELU, needs opset 9; Expand, opset 8), each with a message naming the node.
 */
final class OperatorVersions {

    private static final Map<String, Long> SINCE = Map.ofEntries(
            Map.entry("Expand", 8L), Map.entry("Scan", 8L),
            Map.entry("Erf", 9L), Map.entry("Sign", 9L), Map.entry("Where", 9L), Map.entry("ConstantOfShape", 9L),
            Map.entry("Shrink", 9L), Map.entry("Sinh", 9L), Map.entry("Cosh", 9L), Map.entry("Asinh", 9L),
            Map.entry("Acosh", 9L), Map.entry("Atanh", 9L), Map.entry("IsNaN", 9L), Map.entry("NonZero", 9L),
            Map.entry("OneHot", 9L), Map.entry("Scatter", 9L), Map.entry("Compress", 9L),
            Map.entry("MaxUnpool", 9L), Map.entry("EyeLike", 9L), Map.entry("TfIdfVectorizer", 9L),
            Map.entry("MatMulInteger", 10L), Map.entry("ConvInteger", 10L), Map.entry("QuantizeLinear", 10L),
            Map.entry("DequantizeLinear", 10L), Map.entry("Mod", 10L), Map.entry("ThresholdedRelu", 10L),
            Map.entry("Resize", 10L), Map.entry("IsInf", 10L), Map.entry("ReverseSequence", 10L),
            Map.entry("RoiAlign", 10L), Map.entry("NonMaxSuppression", 10L), Map.entry("QLinearConv", 10L),
            Map.entry("QLinearMatMul", 10L), Map.entry("StringNormalizer", 10L),
            Map.entry("Range", 11L), Map.entry("Round", 11L), Map.entry("CumSum", 11L), Map.entry("Det", 11L),
            Map.entry("GatherElements", 11L), Map.entry("ScatterElements", 11L), Map.entry("GatherND", 11L),
            Map.entry("ScatterND", 11L), Map.entry("BitShift", 11L), Map.entry("DynamicQuantizeLinear", 11L),
            Map.entry("Unique", 11L), Map.entry("SequenceConstruct", 11L), Map.entry("SequenceAt", 11L),
            Map.entry("SequenceEmpty", 11L), Map.entry("SequenceInsert", 11L), Map.entry("SequenceErase", 11L),
            Map.entry("SequenceLength", 11L), Map.entry("SplitToSequence", 11L), Map.entry("ConcatFromSequence", 11L),
            Map.entry("Celu", 12L), Map.entry("Einsum", 12L), Map.entry("GreaterOrEqual", 12L),
            Map.entry("LessOrEqual", 12L), Map.entry("NegativeLogLikelihoodLoss", 12L),
            Map.entry("SoftmaxCrossEntropyLoss", 12L),
            Map.entry("HardSwish", 14L), Map.entry("Trilu", 14L),
            Map.entry("Bernoulli", 15L), Map.entry("CastLike", 15L), Map.entry("Optional", 15L),
            Map.entry("OptionalGetElement", 15L), Map.entry("OptionalHasElement", 15L),
            Map.entry("GridSample", 16L),
            Map.entry("LayerNormalization", 17L), Map.entry("BlackmanWindow", 17L), Map.entry("DFT", 17L),
            Map.entry("HammingWindow", 17L), Map.entry("HannWindow", 17L), Map.entry("MelWeightMatrix", 17L),
            Map.entry("STFT", 17L), Map.entry("SequenceMap", 17L),
            Map.entry("BitwiseAnd", 18L), Map.entry("BitwiseNot", 18L), Map.entry("BitwiseOr", 18L),
            Map.entry("BitwiseXor", 18L), Map.entry("CenterCropPad", 18L), Map.entry("Col2Im", 18L),
            Map.entry("GroupNormalization", 18L), Map.entry("Mish", 18L),
            Map.entry("DeformConv", 19L),
            Map.entry("AffineGrid", 20L), Map.entry("Gelu", 20L), Map.entry("ImageDecoder", 20L),
            Map.entry("RegexFullMatch", 20L), Map.entry("StringConcat", 20L),
            Map.entry("StringSplit", 20L));

    private OperatorVersions() {
    }

    /**
     * Returns the opset that introduced a default-domain operator, when it came after opset 7.
     *
     * @param opType the ONNX op type
     * @return the opset, or empty for operators of opset 7 and before (and unknown ones)
     */
    static OptionalLong since(String opType) {
        Long v = SINCE.get(opType);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /**
     * Refuses a model that uses a default-domain operator its opset does not have.
     *
     * @param file the model file, for the message
     * @param nodes the model's nodes as read
     * @param opset the model's default-domain opset
     * @throws ModelFormatException naming the file, the node and the opset the operator needs
     */
    static void checkRead(Path file, List<NodeProto> nodes, long opset) {
        for (NodeProto n : nodes) {
            OptionalLong since = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")
                    ? since(n.getOpType()) : OptionalLong.empty();
            if (since.isPresent() && since.getAsLong() > opset) {
                throw new ModelFormatException(file + ": node '" + (n.getName().isEmpty() ? n.getOutput(0) : n.getName())
                        + "' (" + n.getOpType() + "): " + n.getOpType() + " exists in ONNX from opset "
                        + since.getAsLong() + ", the model imports opset " + opset);
            }
        }
    }

    /**
     * Refuses to write a default-domain operator the target opset does not have.
     *
     * @param node the Bonsai node being written
     * @param opType the ONNX operator emitted for it
     * @param opset the model's default-domain opset
     * @throws ModelFormatException naming the node, the operator and the opset it needs
     */
    static void checkWrite(Node node, String opType, long opset) {
        OptionalLong since = since(opType);
        if (since.isPresent() && since.getAsLong() > opset) {
            throw new ModelFormatException("node '" + node.name() + "': " + node.op().name() + " is written with "
                    + opType + ", which ONNX has from opset " + since.getAsLong() + " on; the model's opset is "
                    + opset);
        }
    }
}
