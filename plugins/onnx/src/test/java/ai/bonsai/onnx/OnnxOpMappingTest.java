package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.real;
import static ai.bonsai.onnx.OnnxModels.string;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made models exercise the op mappings: the imported graph runs on DJL to ONNX Runtime's
 * output of the source, exports back to an equal model, and prunes through the mapped ops; an op
 * without channel semantics stays opaque and blocks the channels that reach it.
 */
class OnnxOpMappingTest {

    @TempDir
    Path dir;

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
    }

    /** Conv (SAME_UPPER) - Clip(0,6) - LeakyRelu - MaxPool - Clip - PRelu - SiLU - Erf - Resize - Transpose x2 - folded shape sub-graph + Reshape - MatMul+Add - Div - HardSigmoid - Gemm(transB=0, alpha) - Softmax. */
    private Path mixedModel() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 8, 8))
                .addInitializer(weight("stem.weight", 1, 8, 3, 3, 3))
                .addInitializer(weight("stem.bias", 2, 8))
                .addInitializer(scalar("zero", 0f)).addInitializer(scalar("six", 6f))
                .addInitializer(weight("act.weight", 3, 8, 1, 1))
                .addInitializer(TensorProto.newBuilder().setName("scales").setDataType(1).addDims(4)
                        .addFloatData(1).addFloatData(1).addFloatData(2).addFloatData(2).build())
                .addInitializer(OnnxModels.int64s("minus_one", -1))
                .addInitializer(TensorProto.newBuilder().setName("index0").setDataType(7).addInt64Data(0).build())
                .addInitializer(OnnxModels.int64s("axis0", 0))
                .addInitializer(weight("onnx::MatMul_7", 4, 512, 10))
                .addInitializer(weight("proj.bias", 5, 10))
                .addInitializer(scalar("two", 2f))
                .addInitializer(weight("head.weight", 6, 10, 6))
                .addInitializer(weight("head.bias", 7, 6))
                .addNode(node("Conv", "/stem/Conv", List.of("input", "stem.weight", "stem.bias"), List.of("c"),
                        ints("kernel_shape", 3, 3), string("auto_pad", "SAME_UPPER")))
                .addNode(node("Clip", "/act6/Clip", List.of("c", "zero", "six"), List.of("r6")))
                .addNode(node("LeakyRelu", "/leaky/LeakyRelu", List.of("r6"), List.of("lk"), real("alpha", 0.2f)))
                .addNode(node("MaxPool", "/pool/MaxPool", List.of("lk"), List.of("p"),
                        ints("kernel_shape", 2, 2), ints("strides", 2, 2)))
                .addInitializer(scalar("lo", -0.5f)).addInitializer(scalar("hi", 0.5f))
                .addNode(node("Clip", "/clamp/Clip", List.of("p", "lo", "hi"), List.of("cl")))
                .addNode(node("PRelu", "/act/PRelu", List.of("cl", "act.weight"), List.of("pr")))
                .addNode(node("Sigmoid", "/silu/Sigmoid", List.of("pr"), List.of("sg")))
                .addNode(node("Mul", "/silu/Mul", List.of("pr", "sg"), List.of("si")))
                .addNode(node("Erf", "/erf/Erf", List.of("si"), List.of("er")))
                .addNode(node("Resize", "/up/Resize", List.of("er", "", "scales"), List.of("up"),
                        string("mode", "nearest"), string("coordinate_transformation_mode", "asymmetric"),
                        string("nearest_mode", "floor")))
                .addNode(node("Transpose", "/nhwc/Transpose", List.of("up"), List.of("t1"), ints("perm", 0, 2, 3, 1)))
                .addNode(node("Transpose", "/nchw/Transpose", List.of("t1"), List.of("t2"), ints("perm", 0, 3, 1, 2)))
                .addNode(node("Shape", "/Shape", List.of("t2"), List.of("s")))
                .addNode(node("Gather", "/Gather", List.of("s", "index0"), List.of("batch"), integer("axis", 0)))
                .addNode(node("Unsqueeze", "/Unsqueeze", List.of("batch", "axis0"), List.of("batch1")))
                .addNode(node("Concat", "/Concat", List.of("batch1", "minus_one"), List.of("target"), integer("axis", 0)))
                .addNode(node("Reshape", "/Reshape", List.of("t2", "target"), List.of("flat")))
                .addNode(node("MatMul", "/proj/MatMul", List.of("flat", "onnx::MatMul_7"), List.of("mm")))
                .addNode(node("Add", "/proj/Add", List.of("mm", "proj.bias"), List.of("pj")))
                .addNode(node("Div", "/Div", List.of("pj", "two"), List.of("half")))
                .addNode(node("HardSigmoid", "/gate/HardSigmoid", List.of("half"), List.of("hsg")))
                .addNode(node("Gemm", "/head/Gemm", List.of("hsg", "head.weight", "head.bias"), List.of("logits"),
                        real("alpha", 0.5f)))
                .addNode(node("Softmax", "/Softmax", List.of("logits"), List.of("output"), integer("axis", -1)))
                .addOutput(value("output", 1, 6));
        return OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("mixed.onnx"));
    }

    @Test
    void mixedOpsImportRunExportAndPrune() throws Exception {
        Path source = mixedModel();
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).containsExactly("conv2d", "relu6",
                    "leaky_relu", "max_pool2d", "clip", "prelu", "silu", "erf", "upsample", "permute",
                    "permute", "reshape", "linear", "onnx_constant", "div", "hard_sigmoid", "linear",
                    "softmax");
            assertThat(g.node("proj").parameter("weight").shape()).isEqualTo(new Shape(10, 512));
            assertThat(g.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEmpty();
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 8, 8));
            assertRunsLikeTheSourceAndRoundTrips(source, g, x);

            OnnxParityTest.prune(g, "head");
            assertThat(g.node("stem").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(g.node("act").parameter("weight").shape()).isEqualTo(new Shape(4));
            assertThat(g.node("proj").parameter("weight").shape()).isEqualTo(new Shape(5, 256));
            assertPrunedExportRunsLikeDjl(g, x);
        }
    }

    /** Opset 17: Pad - Conv - InstanceNormalization - HardSwish - AveragePool - Slice - Tanh - Split - Concat - GlobalAveragePool - Squeeze - Unsqueeze - LayerNormalization - ReduceMean - Flatten - Dropout - Identity - Sub - MatMul. */
    private Path opset17Model() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 4, 8, 8))
                .addInitializer(OnnxModels.int64s("pads", 0, 0, 1, 1, 0, 0, 1, 1))
                .addInitializer(weight("conv.weight", 1, 8, 4, 3, 3))
                .addInitializer(OnnxModels.positive("norm.weight", 2, 8))
                .addInitializer(weight("norm.bias", 3, 8))
                .addInitializer(OnnxModels.int64s("starts", 0))
                .addInitializer(OnnxModels.int64s("ends", 6))
                .addInitializer(OnnxModels.int64s("axes1", 1))
                .addInitializer(OnnxModels.int64s("sizes", 2, 4))
                .addInitializer(OnnxModels.int64s("axes23", 2, 3))
                .addInitializer(OnnxModels.positive("ln.weight", 4, 6))
                .addInitializer(weight("ln.bias", 5, 6))
                .addInitializer(scalar("offset", 0.25f))
                .addNode(node("Pad", "/pad/Pad", List.of("input", "pads"), List.of("padded")))
                .addNode(node("Conv", "/conv/Conv", List.of("padded", "conv.weight"), List.of("c"),
                        ints("kernel_shape", 3, 3)))
                .addNode(node("InstanceNormalization", "/norm/InstanceNormalization",
                        List.of("c", "norm.weight", "norm.bias"), List.of("n"), real("epsilon", 1e-5f)))
                .addNode(node("HardSwish", "/hs/HardSwish", List.of("n"), List.of("hs")))
                .addNode(node("AveragePool", "/pool/AveragePool", List.of("hs"), List.of("p"),
                        ints("kernel_shape", 2, 2), ints("strides", 2, 2)))
                .addNode(node("Slice", "/Slice", List.of("p", "starts", "ends", "axes1"), List.of("sl")))
                .addNode(node("Tanh", "/act/Tanh", List.of("sl"), List.of("t")))
                .addNode(node("Split", "/Split", List.of("t", "sizes"), List.of("s0", "s1"), integer("axis", 1)))
                .addNode(node("Concat", "/Concat", List.of("s1", "s0"), List.of("cat"), integer("axis", 1)))
                .addNode(node("GlobalAveragePool", "/gap/GlobalAveragePool", List.of("cat"), List.of("gap")))
                .addNode(node("Squeeze", "/Squeeze", List.of("gap", "axes23"), List.of("sq")))
                .addNode(node("Unsqueeze", "/Unsqueeze", List.of("sq", "axes1"), List.of("us")))
                .addNode(node("LayerNormalization", "/ln/LayerNormalization",
                        List.of("us", "ln.weight", "ln.bias"), List.of("ln"), integer("axis", -1)))
                .addNode(node("ReduceMean", "/ReduceMean", List.of("ln"), List.of("mean"),
                        ints("axes", 1), integer("keepdims", 0)))
                .addNode(node("Flatten", "/Flatten", List.of("mean"), List.of("flat"), integer("axis", 1)))
                .addNode(node("Dropout", "/drop/Dropout", List.of("flat"), List.of("d")))
                .addNode(node("Identity", "/Identity", List.of("d"), List.of("id")))
                .addNode(node("Sub", "/Sub", List.of("id", "offset"), List.of("centered")))
                .addInitializer(weight("head.weight", 7, 6, 3))
                .addNode(node("MatMul", "/head/MatMul", List.of("centered", "head.weight"), List.of("output")))
                .addOutput(value("output", 1, 3));
        return OnnxModels.save(OnnxModels.model(g, 17), dir.resolve("opset17.onnx"));
    }

    @Test
    void opset17OpsImportRunExportAndPrune() throws Exception {
        Path source = opset17Model();
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).containsExactly("pad", "conv2d",
                    "instance_norm", "hardswish", "avg_pool2d", "slice", "tanh", "split", "concat",
                    "adaptive_avg_pool2d", "reshape", "reshape", "layer_norm", "mean", "flatten",
                    "dropout", "identity", "onnx_constant", "sub", "linear");
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 4, 8, 8));
            assertRunsLikeTheSourceAndRoundTrips(source, g, x);

            OnnxParityTest.prune(g, "head");
            assertThat(g.node("conv").parameter("weight").shape().get(0)).isLessThan(8);
            assertThat(g.node("head").parameter("weight").shape().get(1)).isLessThan(6);
            assertPrunedExportRunsLikeDjl(g, x);
        }
    }

    @Test
    void pytorchsGroupNormExportBecomesOneGroupNormNode() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 4, 4))
                .addInitializer(weight("conv.weight", 1, 8, 3, 3, 3))
                .addInitializer(OnnxModels.int64s("grouped", 0, 2, -1))
                .addInitializer(TensorProto.newBuilder().setName("ones").setDataType(1).addDims(2)
                        .addFloatData(1).addFloatData(1).build())
                .addInitializer(TensorProto.newBuilder().setName("zeros").setDataType(1).addDims(2)
                        .addFloatData(0).addFloatData(0).build())
                .addInitializer(weight("gn.weight", 2, 8, 1, 1))
                .addInitializer(weight("gn.bias", 3, 8, 1, 1))
                .addInitializer(weight("out.weight", 4, 4, 8, 1, 1))
                .addNode(node("Conv", "/conv/Conv", List.of("input", "conv.weight"), List.of("c"),
                        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Reshape", "/gn/Reshape", List.of("c", "grouped"), List.of("r1")))
                .addNode(node("InstanceNormalization", "/gn/InstanceNormalization",
                        List.of("r1", "ones", "zeros"), List.of("in"), real("epsilon", 1e-5f)))
                .addNode(node("Shape", "/gn/Shape", List.of("c"), List.of("sh")))
                .addNode(node("Reshape", "/gn/Reshape_1", List.of("in", "sh"), List.of("r2")))
                .addNode(node("Mul", "/gn/Mul", List.of("r2", "gn.weight"), List.of("m")))
                .addNode(node("Add", "/gn/Add", List.of("m", "gn.bias"), List.of("a")))
                .addNode(node("Relu", "/relu/Relu", List.of("a"), List.of("r")))
                .addNode(node("Conv", "/out/Conv", List.of("r", "out.weight"), List.of("output")))
                .addOutput(value("output", 1, 4, 4, 4));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("gn.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name())
                    .containsExactly("conv2d", "group_norm", "relu", "conv2d");
            assertThat(graph.node("gn").attributes().getLong("num_groups")).isEqualTo(2);
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 4, 4));
            assertRunsLikeTheSourceAndRoundTrips(source, graph, x);

            OnnxParityTest.prune(graph, "out");
            assertThat(graph.node("conv").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertPrunedExportRunsLikeDjl(graph, x);
        }
    }

    @Test
    void aGatherOnAConstantTableIsAnEmbeddingAndKeepsItsInt64Input() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("ids")
                        .setType(value("ids", 1, 3).getType().toBuilder()
                                .setTensorType(value("ids", 1, 3).getType().getTensorType().toBuilder()
                                        .setElemType(7))).build())
                .addInitializer(weight("embed.weight", 1, 10, 8))
                .addInitializer(weight("fc.weight", 2, 8, 4))
                .addNode(node("Gather", "/embed/Gather", List.of("embed.weight", "ids"), List.of("e")))
                .addNode(node("MatMul", "/fc/MatMul", List.of("e", "fc.weight"), List.of("output")))
                .addOutput(value("output", 1, 3, 4));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("embed.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("embedding", "linear");
            NDArray ids = m.create(new long[] {7, 0, 3}, new Shape(1, 3));
            NDArray rows = new GraphExecutor(graph).forward(new NDList(ids)).head();
            NDArray table = graph.node("embed").parameter("weight").array();
            NDArray fc = graph.node("fc").parameter("weight").array();
            NDArray expected = table.get(new ai.djl.ndarray.index.NDIndex("{}", m.create(new long[] {7, 0, 3})))
                    .matMul(fc.transpose()).reshape(1, 3, 4);
            assertThat(rows.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);

            Path copy = dir.resolve("copy.onnx");
            new OnnxFormat().write(graph, copy);
            assertThat(ai.onnx.proto.OnnxMl.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(copy))
                    .getGraph().getInput(0).getType().getTensorType().getElemType()).isEqualTo(7);
            try (Graph again = OnnxFixtures.read(copy)) {
                assertThat(again.nodes()).extracting(n -> n.op().name()).containsExactly("embedding", "linear");
            }
        }
    }

    @Test
    void opset11FormsOfSplitResizeAndSoftmaxImportAndExport() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 4, 4))
                .addInitializer(weight("conv.weight", 1, 6, 3, 1, 1))
                .addInitializer(TensorProto.newBuilder().setName("roi").setDataType(1).addDims(0).build())
                .addInitializer(TensorProto.newBuilder().setName("scales").setDataType(1).addDims(4)
                        .addFloatData(1).addFloatData(1).addFloatData(2).addFloatData(2).build())
                .addInitializer(OnnxModels.int64s("flat", 1, -1))
                .addNode(node("Conv", "/conv/Conv", List.of("input", "conv.weight"), List.of("c")))
                .addNode(node("Split", "/Split", List.of("c"), List.of("a", "b"), integer("axis", 1),
                        ints("split", 4, 2)))
                .addNode(node("Concat", "/Concat", List.of("b", "a"), List.of("cat"), integer("axis", 1)))
                .addNode(node("Resize", "/up/Resize", List.of("cat", "roi", "scales"), List.of("up"),
                        string("mode", "linear"), string("coordinate_transformation_mode", "pytorch_half_pixel")))
                .addNode(node("Reshape", "/Reshape", List.of("up", "flat"), List.of("f")))
                .addNode(node("Softmax", "/Softmax", List.of("f"), List.of("output"), integer("axis", 1)))
                .addOutput(value("output", 1, 384));
        Path source = OnnxModels.save(OnnxModels.model(g, 11), dir.resolve("opset11.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name())
                    .containsExactly("conv2d", "split", "concat", "upsample", "reshape", "softmax");
            assertThat(graph.node("Split").attributes().getLongs("sizes")).containsExactly(4, 2);
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 4, 4));
            assertRunsLikeTheSourceAndRoundTrips(source, graph, x);
        }
    }

    /** The imported graph runs on DJL, and its unpruned export in ONNX Runtime, to the source's output. */
    private void assertRunsLikeTheSourceAndRoundTrips(Path source, Graph g, NDArray x) throws Exception {
        float[] expected = Ort.run(source, "input", x);
        assertThat(Ort.maxAbsDiff(expected, djl(g, x))).isLessThan(1e-5f);
        Path copy = dir.resolve("copy.onnx");
        new OnnxFormat().write(g, copy);
        assertThat(Ort.maxAbsDiff(expected, Ort.run(copy, "input", x))).isLessThan(1e-5f);
    }

    /** The pruned graph's export runs in ONNX Runtime to the graph's own DJL output. */
    private void assertPrunedExportRunsLikeDjl(Graph g, NDArray x) throws Exception {
        Path pruned = dir.resolve("pruned.onnx");
        new OnnxFormat().write(g, pruned);
        assertThat(Ort.maxAbsDiff(djl(g, x), Ort.run(pruned, "input", x))).isLessThan(1e-5f);
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }

    private GraphProto.Builder opaqueModel(boolean withShape, String domain) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 8, 8))
                .addInitializer(weight("conv1.weight", 1, 8, 3, 3, 3))
                .addInitializer(weight("conv2.weight", 2, 8, 8, 1, 1))
                .addInitializer(weight("conv3.weight", 3, 4, 8, 1, 1))
                .addNode(node("Conv", "/conv1/Conv", List.of("input", "conv1.weight"), List.of("c1"),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("LRN", "lrn", List.of("c1"), List.of("l"), integer("size", 3)).toBuilder()
                        .setDomain(domain).build())
                .addNode(node("Conv", "/conv2/Conv", List.of("l", "conv2.weight"), List.of("c2")))
                .addNode(node("Relu", "/relu/Relu", List.of("c2"), List.of("r")))
                .addNode(node("Conv", "/conv3/Conv", List.of("r", "conv3.weight"), List.of("output")))
                .addOutput(value("output", 1, 4, 8, 8));
        return withShape ? g.addValueInfo(value("l", 1, 8, 8, 8)) : g;
    }

    @Test
    void anOpWithoutChannelSemanticsStaysOpaqueAndBlocksItsProducersChannels() throws Exception {
        Path source = OnnxModels.save(OnnxModels.model(opaqueModel(true, ""), 13), dir.resolve("opaque.onnx"));
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.node("lrn").op().name()).isEqualTo("onnx_opaque");
            assertThat(g.node("lrn").attributes().getString("onnx_op_type")).isEqualTo("LRN");
            assertThat(g.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES, "lrn\tLRN");
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 8, 8));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x), djl(g, x))).as("LRN's DJL kernel")
                    .isLessThan(1e-5f);

            OnnxParityTest.prune(g, "conv3");
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(8, 3, 3, 3));
            assertThat(g.node("conv2").parameter("weight").shape()).isEqualTo(new Shape(4, 8, 1, 1));
            assertThat(g.node("conv3").parameter("weight").shape()).isEqualTo(new Shape(4, 4, 1, 1));
            Path pruned = dir.resolve("pruned.onnx");
            new OnnxFormat().write(g, pruned);
            assertThat(Ort.run(pruned, "input", x)).hasSize(4 * 8 * 8);
        }
    }

    @Test
    void aPerChannelInitializerOperandIsAParameterPrunedWithItsChannels() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 8, 8))
                .addInitializer(weight("conv1.weight", 1, 8, 3, 3, 3))
                .addInitializer(weight("shift", 2, 1, 8, 1, 1))
                .addInitializer(weight("conv2.weight", 3, 4, 8, 1, 1))
                .addNode(node("Conv", "/conv1/Conv", List.of("input", "conv1.weight"), List.of("c1")))
                .addNode(node("Sub", "/Sub", List.of("c1", "shift"), List.of("s")))
                .addNode(node("Conv", "/conv2/Conv", List.of("s", "conv2.weight"), List.of("output")))
                .addOutput(value("output", 1, 4, 6, 6));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("shift.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.node("shift").op().name()).isEqualTo("parameter");
            assertThat(graph.node("shift").attributes().getLong("channel_dim")).isEqualTo(1);
            OnnxParityTest.prune(graph, "conv2");
            assertThat(graph.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(graph.node("shift").parameter("").shape()).isEqualTo(new Shape(1, 4, 1, 1));
            Path pruned = dir.resolve("shift.pruned.onnx");
            new OnnxFormat().write(graph, pruned);
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 8, 8));
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x), djl(graph, x))).isLessThan(1e-5f);
        }
    }

    @Test
    void aCustomOpWithoutAStaticOutputShapeIsNamed() {
        GraphProto.Builder g = opaqueModel(false, "com.example");
        Path source = OnnxModels.save(OnnxModels.model(g, 13).toBuilder().addOpsetImport(
                ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1)).build(),
                dir.resolve("noshape.onnx"));
        assertThatThrownBy(() -> OnnxFixtures.read(source)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'lrn' (LRN)")
                .hasMessageContaining("op 'LRN' of domain 'com.example' has no Bonsai op type and no shape rule")
                .hasMessageContaining("output 'l' has no static shape in the model's value_info");
    }
}
