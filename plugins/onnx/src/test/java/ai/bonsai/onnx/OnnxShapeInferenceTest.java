package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.floats;
import static ai.bonsai.onnx.OnnxModels.graph;
import static ai.bonsai.onnx.OnnxModels.int64s;
import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.string;
import static ai.bonsai.onnx.OnnxModels.unshaped;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models without any value_info: the standard ops Bonsai has no op type for import with the
 * output shapes their specifications give (equal to ONNX Runtime's), the exporters' checks on
 * static shapes fold away (an If on one imports the branch it takes), such a model prunes and
 * runs on DJL like ONNX Runtime, and a shape that depends on the data is named.
 */
class OnnxShapeInferenceTest {

    /** Every operator of the default domain, opsets 7 to 21. */
    private static final List<String> STANDARD_OPS = List.of("Abs", "Acos", "Acosh", "Add", "AffineGrid", "And",
            "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atanh", "AveragePool", "BatchNormalization", "Bernoulli",
            "BitShift", "BitwiseAnd", "BitwiseNot", "BitwiseOr", "BitwiseXor", "BlackmanWindow", "Cast", "CastLike",
            "Ceil", "Celu", "CenterCropPad", "Clip", "Col2Im", "Compress", "Concat", "ConcatFromSequence", "Constant",
            "ConstantOfShape", "Conv", "ConvInteger", "ConvTranspose", "Cos", "Cosh", "CumSum", "DFT", "DeformConv",
            "DepthToSpace", "DequantizeLinear", "Det", "Div", "Dropout", "DynamicQuantizeLinear", "Einsum", "Elu",
            "Equal", "Erf", "Exp", "Expand", "EyeLike", "Flatten", "Floor", "GRU", "Gather", "GatherElements",
            "GatherND", "Gelu", "Gemm", "GlobalAveragePool", "GlobalLpPool", "GlobalMaxPool", "Greater",
            "GreaterOrEqual", "GridSample", "GroupNormalization", "HammingWindow", "HannWindow", "HardSigmoid",
            "HardSwish", "Hardmax", "Identity", "If", "ImageDecoder", "InstanceNormalization", "IsInf", "IsNaN",
            "LRN", "LSTM", "LayerNormalization", "LeakyRelu", "Less", "LessOrEqual", "Log", "LogSoftmax", "Loop",
            "LpNormalization", "LpPool", "MatMul", "MatMulInteger", "Max", "MaxPool", "MaxRoiPool", "MaxUnpool",
            "Mean", "MeanVarianceNormalization", "MelWeightMatrix", "Min", "Mish", "Mod", "Mul", "Multinomial",
            "Neg", "NegativeLogLikelihoodLoss", "NonMaxSuppression", "NonZero", "Not", "OneHot", "Optional",
            "OptionalGetElement", "OptionalHasElement", "Or", "PRelu", "Pad", "Pow", "QLinearConv", "QLinearMatMul",
            "QuantizeLinear", "RNN", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
            "Range", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
            "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "RegexFullMatch", "Relu",
            "Reshape", "Resize", "ReverseSequence", "RoiAlign", "Round", "STFT", "Scan", "Scatter",
            "ScatterElements", "ScatterND", "Selu", "SequenceAt", "SequenceConstruct", "SequenceEmpty",
            "SequenceErase", "SequenceInsert", "SequenceLength", "SequenceMap", "Shape", "Shrink", "Sigmoid",
            "Sign", "Sin", "Sinh", "Size", "Slice", "Softmax", "SoftmaxCrossEntropyLoss", "Softplus", "Softsign",
            "SpaceToDepth", "Split", "SplitToSequence", "Sqrt", "Squeeze", "StringConcat", "StringNormalizer",
            "StringSplit", "Sub", "Sum", "Tan", "Tanh", "TfIdfVectorizer", "ThresholdedRelu", "Tile", "TopK",
            "Transpose", "Trilu", "Unique", "Unsqueeze", "Upsample", "Where", "Xor");

    @TempDir
    Path dir;

    @Test
    void everyStandardOperatorHasAShapeRuleOrIsKnownToDependOnTheData() {
        assertThat(STANDARD_OPS).allMatch(ShapeInference::covers);
    }

    /**
     * conv1 - LRN - conv2 - Elu - Softplus - If(channels == 8: Identity, else Neg) - conv3 -
     * ReduceMax - Max(-0.1) - Flatten - Gemm, with no value_info at all.
     */
    private Path unmappedOpsModel() {
        GraphProto then = GraphProto.newBuilder().setName("then")
                .addNode(node("Identity", "/check/then", List.of("sp"), List.of("then_out")))
                .addOutput(unshaped("then_out", 1)).build();
        GraphProto otherwise = GraphProto.newBuilder().setName("else")
                .addNode(node("Neg", "/check/else", List.of("sp"), List.of("else_out")))
                .addOutput(unshaped("else_out", 1)).build();
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 8, 8))
                .addInitializer(weight("conv1.weight", 1, 8, 3, 3, 3))
                .addInitializer(weight("conv2.weight", 2, 8, 8, 1, 1))
                .addInitializer(weight("conv3.weight", 3, 6, 8, 1, 1))
                .addInitializer(weight("fc.weight", 4, 4, 6))
                .addInitializer(weight("fc.bias", 5, 4))
                .addInitializer(TensorProto.newBuilder().setName("one").setDataType(7).addInt64Data(1).build())
                .addInitializer(TensorProto.newBuilder().setName("eight").setDataType(7).addInt64Data(8).build())
                .addInitializer(floats("floor", new long[] {1}, -0.1f))
                .addNode(node("Conv", "/conv1/Conv", List.of("input", "conv1.weight"), List.of("c1"),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("LRN", "/lrn/LRN", List.of("c1"), List.of("l"), integer("size", 3),
                        OnnxModels.real("alpha", 0.5f), OnnxModels.real("bias", 2f)))
                .addNode(node("Conv", "/conv2/Conv", List.of("l", "conv2.weight"), List.of("c2")))
                .addNode(node("Elu", "/elu/Elu", List.of("c2"), List.of("e"), OnnxModels.real("alpha", 0.7f)))
                .addNode(node("Softplus", "/softplus/Softplus", List.of("e"), List.of("sp")))
                .addNode(node("Shape", "/check/Shape", List.of("sp"), List.of("s")))
                .addNode(node("Gather", "/check/Gather", List.of("s", "one"), List.of("channels")))
                .addNode(node("Equal", "/check/Equal", List.of("channels", "eight"), List.of("ok")))
                .addNode(node("If", "/check/If", List.of("ok"), List.of("checked"), graph("then_branch", then),
                        graph("else_branch", otherwise)))
                .addNode(node("Conv", "/conv3/Conv", List.of("checked", "conv3.weight"), List.of("c3")))
                .addNode(node("ReduceMax", "/pool/ReduceMax", List.of("c3"), List.of("rm"), ints("axes", 2, 3)))
                .addNode(node("Max", "/clamp/Max", List.of("rm", "floor"), List.of("mx")))
                .addNode(node("Flatten", "/flatten/Flatten", List.of("mx"), List.of("f")))
                .addNode(node("Gemm", "/fc/Gemm", List.of("f", "fc.weight", "fc.bias"), List.of("output"),
                        integer("transB", 1)))
                .addOutput(unshaped("output", 1));
        return OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("unmapped.onnx"));
    }

    @Test
    void aModelWithoutValueInfoAndUnmappedStandardOpsImportsPrunesAndRunsLikeOnnxRuntime() throws Exception {
        Path source = unmappedOpsModel();
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).containsExactly("conv2d", "onnx_opaque", "conv2d",
                    OnnxElementwiseOp.NAME, OnnxElementwiseOp.NAME, "identity", "conv2d", "onnx_opaque",
                    "onnx_constant", "onnx_opaque", "flatten", "linear");
            assertThat(g.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES,
                    "lrn\tLRN\npool\tReduceMax\nclamp\tMax");
            assertThat(g.node("pool").output().shape()).isEqualTo(new Shape(1, 6, 1, 1));
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 8, 8));
            float[] expected = Ort.run(source, "input", x);
            assertThat(Ort.maxAbsDiff(expected, djl(g, x))).isLessThan(1e-5f);
            Path copy = dir.resolve("copy.onnx");
            new OnnxFormat().write(g, copy);
            assertThat(Ort.maxAbsDiff(expected, Ort.run(copy, "input", x))).isLessThan(1e-5f);

            OnnxParityTest.prune(g, "fc");
            assertThat(g.node("conv1").parameter("weight").shape()).as("blocked by LRN").isEqualTo(new Shape(8, 3, 3, 3));
            assertThat(g.node("conv2").parameter("weight").shape()).as("through Elu, Softplus and the If")
                    .isEqualTo(new Shape(4, 8, 1, 1));
            assertThat(g.node("conv3").parameter("weight").shape()).as("blocked by ReduceMax")
                    .isEqualTo(new Shape(6, 4, 1, 1));
            Path pruned = dir.resolve("pruned.onnx");
            new OnnxFormat().write(g, pruned);
            assertThat(Ort.maxAbsDiff(djl(g, x), Ort.run(pruned, "input", x))).isLessThan(1e-5f);
        }
    }

    @Test
    void inferredShapesOfOpaqueOpsEqualOnnxRuntimes() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 4, 6, 6))
                .addInitializer(int64s("k", 2))
                .addInitializer(int64s("repeats", 1, 2, 1, 3))
                .addInitializer(int64s("pads", 0, 0, 1, 2, 0, 0, 2, 1))
                .addInitializer(TensorProto.newBuilder().setName("axis1").setDataType(7).addInt64Data(1).build())
                .addInitializer(TensorProto.newBuilder().setName("pick").setDataType(7).addDims(2).addDims(2)
                        .addInt64Data(0).addInt64Data(1).addInt64Data(2).addInt64Data(3).build())
                .addInitializer(TensorProto.newBuilder().setName("zeros").setDataType(7).addDims(1).addDims(4)
                        .addDims(6).addDims(2).addAllInt64Data(java.util.Collections.nCopies(48, 0L)).build())
                .addInitializer(int64s("hot", 3, 0, 1))
                .addInitializer(int64s("depth", 5))
                .addInitializer(floats("onoff", new long[] {2}, 0, 1))
                .addInitializer(TensorProto.newBuilder().setName("keep").setDataType(9).addDims(4)
                        .addInt32Data(1).addInt32Data(0).addInt32Data(1).addInt32Data(1).build())
                .addInitializer(weight("batched", 1, 1, 6, 3))
                .addInitializer(floats("scales", new long[] {4}, 1, 1, 1.5f, 1.5f))
                .addInitializer(weight("grid", 2, 1, 5, 7, 2));
        List<String> outputs = new ArrayList<>();
        Map<String, List<Object>> nodes = new java.util.LinkedHashMap<>();
        nodes.put("TopK", List.of(List.of("input", "k"), List.of("topk", "topk_idx"), integer("axis", 1)));
        nodes.put("Tile", List.of(List.of("input", "repeats"), List.of("tile")));
        nodes.put("DepthToSpace", List.of(List.of("input"), List.of("d2s"), integer("blocksize", 2)));
        nodes.put("SpaceToDepth", List.of(List.of("input"), List.of("s2d"), integer("blocksize", 2)));
        nodes.put("Pad", List.of(List.of("input", "pads"), List.of("pad"), string("mode", "reflect")));
        nodes.put("MaxPool", List.of(List.of("input"), List.of("maxpool", "argmaxpool"), ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), integer("ceil_mode", 1)));
        nodes.put("AveragePool", List.of(List.of("input"), List.of("avgpool"), ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), string("auto_pad", "SAME_UPPER")));
        nodes.put("LpPool", List.of(List.of("input"), List.of("lppool"), ints("kernel_shape", 2, 2)));
        nodes.put("GlobalMaxPool", List.of(List.of("input"), List.of("gmp")));
        nodes.put("ReduceL2", List.of(List.of("input"), List.of("l2"), ints("axes", 1), integer("keepdims", 0)));
        nodes.put("ArgMax", List.of(List.of("input"), List.of("argmax"), integer("axis", 2)));
        nodes.put("CumSum", List.of(List.of("input", "axis1"), List.of("cumsum")));
        nodes.put("Einsum", List.of(List.of("input", "input"), List.of("einsum"), string("equation", "bchw,bchw->bc")));
        nodes.put("Transpose", List.of(List.of("input"), List.of("transposed")));
        nodes.put("Gather", List.of(List.of("input", "pick"), List.of("gathered"), integer("axis", 2)));
        nodes.put("GatherElements", List.of(List.of("input", "zeros"), List.of("elements"), integer("axis", 3)));
        nodes.put("OneHot", List.of(List.of("hot", "depth", "onoff"), List.of("onehot")));
        nodes.put("Compress", List.of(List.of("input", "keep"), List.of("compressed"), integer("axis", 1)));
        nodes.put("Split", List.of(List.of("input"), List.of("part0", "part1", "part2"), integer("axis", 2)));
        nodes.put("MatMul", List.of(List.of("input", "batched"), List.of("matmul")));
        nodes.put("Resize", List.of(List.of("input", "", "scales"), List.of("cubic"), string("mode", "cubic")));
        nodes.put("GridSample", List.of(List.of("input", "grid"), List.of("sampled")));
        nodes.put("Hardmax", List.of(List.of("input"), List.of("hardmax")));
        nodes.put("LayerNormalization", List.of(List.of("input", "ln_scale"), List.of("ln"), integer("axis", 1)));
        g.addInitializer(weight("ln_scale", 3, 4, 6, 6));
        nodes.forEach((op, spec) -> {
            @SuppressWarnings("unchecked")
            List<String> in = (List<String>) spec.get(0);
            @SuppressWarnings("unchecked")
            List<String> out = (List<String>) spec.get(1);
            g.addNode(node(op, "/" + op, in, out, spec.stream().skip(2)
                    .map(ai.onnx.proto.OnnxMl.AttributeProto.class::cast)
                    .toArray(ai.onnx.proto.OnnxMl.AttributeProto[]::new)));
            out.forEach(o -> {
                outputs.add(o);
                g.addOutput(unshaped(o, Stream.of("topk_idx", "argmax", "argmaxpool").anyMatch(o::equals) ? 7 : 1));
            });
        });
        Path source = OnnxModels.save(OnnxModels.model(g, 17), dir.resolve("shapes.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            Map<String, long[]> expected = Ort.outputShapes(source, "input",
                    m.randomUniform(-1, 1, new Shape(1, 4, 6, 6)));
            for (int k = 0; k < outputs.size(); k++) {
                assertThat(graph.outputs().get(k).shape().getShape()).as(outputs.get(k))
                        .containsExactly(expected.get(outputs.get(k)));
            }
            assertThat(graph.metadata().get(OnnxMetadata.OPAQUE_NODES)).contains("TopK\tTopK", "Resize\tResize",
                    "Einsum\tEinsum");
        }
    }

    @Test
    void theDjlKernelsOfStandardOpsRunLikeOnnxRuntime() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 8, 4, 4))
                .addInitializer(floats("row", new long[] {4}, 0.2f, -0.3f, 0.5f, 0.1f))
                .addInitializer(int64s("repeats", 1, 1, 2, 1))
                .addInitializer(int64s("axes", 1, 3))
                .addInitializer(int64s("axis1", 1))
                .addInitializer(int64s("axis2", 2))
                .addInitializer(int64s("axes12", 1, 2))
                .addInitializer(int64s("last", -1))
                .addInitializer(TensorProto.newBuilder().setName("first").setDataType(7).addInt64Data(0).build())
                .addInitializer(TensorProto.newBuilder().setName("rows").setDataType(7).addDims(2).addDims(2)
                        .addInt64Data(3).addInt64Data(-1).addInt64Data(0).addInt64Data(1).build());
        List<String> outputs = new ArrayList<>();
        for (String op : StandardKernels.ELEMENTWISE) {
            g.addNode(node(op, "/" + op, List.of("input"), List.of(op)));
            outputs.add(op);
        }
        List<ai.onnx.proto.OnnxMl.NodeProto> others = List.of(
                node("LRN", "/lrn", List.of("input"), List.of("lrn"), integer("size", 5)),
                node("ReduceMax", "/rmax", List.of("input", "axes"), List.of("rmax")),
                node("ReduceMin", "/rmin", List.of("input", "axis2"), List.of("rmin"), integer("keepdims", 0)),
                node("ReduceProd", "/rprod", List.of("input", "axis1"), List.of("rprod")),
                node("ReduceL1", "/rl1", List.of("input", "axes12"), List.of("rl1")),
                node("ReduceL2", "/rl2", List.of("input"), List.of("rl2")),
                node("ReduceSumSquare", "/rss", List.of("input", "last"), List.of("rss")),
                node("ReduceLogSum", "/rls", List.of("input", "axis1"), List.of("rls")),
                node("ReduceLogSumExp", "/rlse", List.of("input", "axis1"), List.of("rlse")),
                node("ReduceSum", "/rsum", List.of("input", "axes"), List.of("rsum"), integer("keepdims", 0)),
                node("GlobalMaxPool", "/gmp", List.of("input"), List.of("gmp")),
                node("Max", "/max", List.of("input", "row"), List.of("max")),
                node("Min", "/min", List.of("input", "row", "input"), List.of("min")),
                node("Sum", "/sum", List.of("input", "row"), List.of("sum")),
                node("Mean", "/mean", List.of("input", "row", "row"), List.of("mean")),
                node("LogSoftmax", "/logsoftmax", List.of("input"), List.of("logsoftmax"), integer("axis", 1)),
                node("Tile", "/tile", List.of("input", "repeats"), List.of("tile")),
                node("DepthToSpace", "/d2s", List.of("input"), List.of("d2s"), integer("blocksize", 2)),
                node("DepthToSpace", "/d2s_crd", List.of("input"), List.of("d2s_crd"), integer("blocksize", 2),
                        string("mode", "CRD")),
                node("SpaceToDepth", "/s2d", List.of("input"), List.of("s2d"), integer("blocksize", 2)),
                node("Gather", "/token", List.of("input", "first"), List.of("token"), integer("axis", 1)),
                node("Gather", "/rows", List.of("input", "rows"), List.of("rows_out"), integer("axis", -2)));
        for (ai.onnx.proto.OnnxMl.NodeProto n : others) {
            g.addNode(n);
            outputs.add(n.getOutput(0));
        }
        outputs.forEach(o -> g.addOutput(unshaped(o, 1)));
        Path source = OnnxModels.save(OnnxModels.model(g, 18), dir.resolve("kernels.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0.05f, 0.95f, new Shape(1, 8, 4, 4));
            Map<String, float[]> expected = Ort.runAll(source, "input", x);
            NDList djl = new GraphExecutor(graph).forward(new NDList(x));
            for (int k = 0; k < outputs.size(); k++) {
                assertThat(Ort.maxAbsDiff(expected.get(outputs.get(k)), djl.get(k).toFloatArray()))
                        .as(outputs.get(k)).isLessThan(1e-5f);
            }
        }
    }

    @Test
    void anOutputWhoseShapeDependsOnTheDataIsNamed() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 4, 4))
                .addNode(node("NonZero", "/nz/NonZero", List.of("input"), List.of("idx")))
                .addNode(node("Transpose", "/t/Transpose", List.of("idx"), List.of("output")))
                .addOutput(unshaped("output", 7));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("nonzero.onnx"));
        assertThatThrownBy(() -> OnnxFixtures.read(source)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node '/nz/NonZero' (NonZero)")
                .hasMessageContaining("the shape of output 'idx' cannot be known before running the model "
                        + "(NonZero produces outputs whose shape depends on the data)");
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }
}
