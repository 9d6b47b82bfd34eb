package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.real;
import static ai.bonsai.onnx.OnnxModels.string;
import static ai.bonsai.onnx.OnnxModels.symbolic;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models as older PyTorch versions, paddle2onnx and tf2onnx write them: opsets 7 to 10 with
 * attribute-form Pad, Clip and Slice, Upsample and BatchNormalization's {@code spatial}, weights
 * in {@code Constant} nodes, symbolic height and width, IR 3 (initializers listed as inputs), NHWC
 * Transpose pairs around convolutions. They import (sizes from the caller's input shapes), prune,
 * and are written back at their own opset, with their weights where they were, and run in ONNX
 * Runtime like Bonsai's DJL execution.
 */
class OnnxOlderExportersTest {

    @TempDir
    Path dir;

    private static NodeProto constant(String name, TensorProto t) {
        return NodeProto.newBuilder().setName(name).setOpType("Constant").addOutput(t.getName())
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(t.toBuilder().clearName()))
                .build();
    }

    /**
     * Opset 9, weights in Constant nodes, input {@code [batch, 3, height, width]}: Conv - BN -
     * Clip(0, 6) - MaxPool - Pad(attributes) - Conv - Relu - Upsample(x2) - Slice(rows 1:) - Conv -
     * Relu - GlobalAveragePool - Flatten - Gemm.
     */
    private Path opset9Model() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(symbolic("image", "batch", 3, "height", "width"))
                .addNode(constant("Constant_0", weight("conv1.weight", 1, 8, 3, 3, 3)))
                .addNode(constant("Constant_1", weight("conv1.bias", 2, 8)))
                .addNode(constant("Constant_2", OnnxModels.positive("bn.scale", 3, 8)))
                .addNode(constant("Constant_3", weight("bn.bias", 4, 8)))
                .addNode(constant("Constant_4", weight("bn.mean", 5, 8)))
                .addNode(constant("Constant_5", OnnxModels.positive("bn.var", 6, 8)))
                .addNode(constant("Constant_6", weight("conv2.weight", 7, 8, 8, 3, 3)))
                .addNode(constant("Constant_7", OnnxModels.floats("up.scales", new long[] {4}, 1, 1, 2, 2)))
                .addNode(constant("Constant_8", weight("conv3.weight", 8, 6, 8, 1, 1)))
                .addNode(constant("Constant_9", weight("fc.weight", 9, 10, 6)))
                .addNode(constant("Constant_10", weight("fc.bias", 10, 10)))
                .addNode(node("Conv", "Conv_11", List.of("image", "conv1.weight", "conv1.bias"), List.of("c1"),
                        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)))
                .addNode(node("BatchNormalization", "BatchNormalization_12",
                        List.of("c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"), List.of("b1"), real("epsilon", 1e-5f)))
                .addNode(node("Clip", "Clip_13", List.of("b1"), List.of("r1"), real("min", 0), real("max", 6)))
                .addNode(node("MaxPool", "MaxPool_14", List.of("r1"), List.of("p1"), ints("kernel_shape", 2, 2),
                        ints("strides", 2, 2)))
                .addNode(node("Pad", "Pad_15", List.of("p1"), List.of("pd"), ints("pads", 0, 0, 1, 1, 0, 0, 1, 1),
                        string("mode", "constant"), real("value", 0)))
                .addNode(node("Conv", "Conv_16", List.of("pd", "conv2.weight"), List.of("c2"), ints("kernel_shape", 3, 3)))
                .addNode(node("Relu", "Relu_17", List.of("c2"), List.of("r2")))
                .addNode(node("Upsample", "Upsample_18", List.of("r2", "up.scales"), List.of("u"),
                        string("mode", "nearest")))
                .addNode(node("Slice", "Slice_19", List.of("u"), List.of("s"), ints("axes", 2), ints("starts", 1),
                        ints("ends", Long.MAX_VALUE)))
                .addNode(node("Conv", "Conv_20", List.of("s", "conv3.weight"), List.of("c3"), ints("kernel_shape", 1, 1)))
                .addNode(node("Relu", "Relu_21", List.of("c3"), List.of("r3")))
                .addNode(node("GlobalAveragePool", "GlobalAveragePool_22", List.of("r3"), List.of("g")))
                .addNode(node("Flatten", "Flatten_23", List.of("g"), List.of("f"), integer("axis", 1)))
                .addNode(node("Gemm", "Gemm_24", List.of("f", "fc.weight", "fc.bias"), List.of("logits"),
                        integer("transB", 1)))
                .addOutput(symbolic("logits", "batch", 10));
        return OnnxModels.save(OnnxModels.model(g, 9).toBuilder().setIrVersion(4).build(), dir.resolve("opset9.onnx"));
    }

    private static Graph read(Path file, Shape input) {
        return new OnnxFormat().read(file, PluginHost.classpathOnly().newGraphBuilder("onnx", 0), Map.of("image", input));
    }

    @Test
    void anOpset9ModelWithConstantWeightsAndDynamicSizesImportsWithInputShapesPrunesAndRunsAtTwoSizes()
            throws Exception {
        Path source = opset9Model();
        Path pruned = dir.resolve("opset9.pruned.onnx");
        Shape small = new Shape(1, 3, 32, 32);
        Shape other = new Shape(2, 3, 48, 40);
        try (Graph g = read(source, small); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).containsExactly("conv2d", "batch_norm", "relu6",
                    "max_pool2d", "pad", "conv2d", "relu", "upsample", "slice", "conv2d", "relu",
                    "adaptive_avg_pool2d", "flatten", "linear");
            assertThat(g.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES, "")
                    .containsEntry(OnnxMetadata.OPSET, "9");
            NDArray x = m.randomUniform(-1, 1, small);
            assertThat(Ort.maxAbsDiff(Ort.run(source, "image", x), djl(g, x))).isLessThan(1e-4f);

            OnnxParityTest.prune(g, "fc");
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(g.node("conv2").parameter("weight").shape()).isEqualTo(new Shape(4, 4, 3, 3));
            assertThat(g.node("conv3").parameter("weight").shape()).isEqualTo(new Shape(3, 4, 1, 1));
            new OnnxFormat().write(g, pruned);
            assertThat(Ort.maxAbsDiff(djl(g, x), Ort.run(pruned, "image", x))).as("at " + small).isLessThan(1e-4f);
        }
        try (Graph again = read(pruned, other); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, other);
            assertThat(Ort.maxAbsDiff(djl(again, x), Ort.run(pruned, "image", x))).as("at " + other)
                    .isLessThan(1e-4f);
        }
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(pruned));
        assertThat(written.getOpsetImport(0).getVersion()).isEqualTo(9);
        GraphProto wg = written.getGraph();
        Map<String, NodeProto> byOutput = wg.getNodeList().stream()
                .collect(Collectors.toMap(n -> n.getOutput(0), n -> n, (a, b) -> a));
        assertThat(byOutput.get("conv1.weight").getOpType()).isEqualTo("Constant");
        assertThat(byOutput.get("conv1.weight").getName()).isEqualTo("Constant_0");
        assertThat(byOutput.get("conv1.weight").getAttribute(0).getT().getDimsList()).containsExactly(4L, 3L, 3L, 3L);
        assertThat(byOutput.get("fc.weight").getOpType()).isEqualTo("Constant");
        assertThat(wg.getInitializerList()).extracting(TensorProto::getName).doesNotContain("conv1.weight", "bn.var");
        assertThat(wg.getNodeList()).extracting(NodeProto::getOpType).contains("Upsample", "Clip", "Pad", "Slice");
        Map<String, NodeProto> byName = wg.getNodeList().stream().collect(Collectors.toMap(NodeProto::getName, n -> n));
        assertThat(byName.get("Clip_13").getInputCount()).as("Clip with attributes").isEqualTo(1);
        assertThat(byName.get("Pad_15").getInputCount()).as("Pad with attributes").isEqualTo(1);
        assertThat(byName.get("Slice_19").getInputCount()).as("Slice with attributes").isEqualTo(1);
        assertThat(byName.get("Upsample_18").getInputCount()).as("Upsample with a scales input").isEqualTo(2);
        assertThat(wg.getInput(0).getType().getTensorType().getShape().getDimList())
                .extracting(d -> d.hasDimParam() ? d.getDimParam() : String.valueOf(d.getDimValue()))
                .containsExactly("batch", "3", "height", "width");
        assertThat(wg.getOutput(0).getType().getTensorType().getShape().getDimList())
                .extracting(d -> d.hasDimParam() ? d.getDimParam() : String.valueOf(d.getDimValue()))
                .containsExactly("batch", "10");
    }

    @Test
    void symbolicSizesWithoutInputShapesAreAnErrorThatProposesThem() {
        Path source = opset9Model();
        assertThatThrownBy(() -> OnnxFixtures.read(source)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("graph input 'image' has symbolic dimensions 2 ('height'), 3 ('width')")
                .hasMessageContaining("--input-shape image=1,3,224,224")
                .hasMessageContaining("model.input_shapes: {image: [1, 3, 224, 224]}");
        assertThatThrownBy(() -> read(source, new Shape(1, 4, 32, 32))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("has 4 in dimension 1, which the model declares static with size 3");
        assertThatThrownBy(() -> new OnnxFormat().read(source, PluginHost.classpathOnly().newGraphBuilder("onnx", 0),
                Map.of("images", new Shape(1, 3, 32, 32)))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("an input shape is given for 'images', but the model has no such input; "
                        + "its inputs: [image]");
    }

    @Test
    void opset7FormsAndIr3InitializerInputsImportAndAreWrittenBackAtOpset7() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 6, 6))
                .addInitializer(weight("conv.weight", 1, 8, 3, 3, 3))
                .addInitializer(OnnxModels.positive("bn.weight", 2, 8))
                .addInitializer(weight("bn.bias", 3, 8))
                .addInitializer(weight("bn.running_mean", 4, 8))
                .addInitializer(OnnxModels.positive("bn.running_var", 5, 8))
                .addInitializer(weight("head.weight", 6, 4, 8, 3, 3))
                .addNode(node("Conv", "conv", List.of("input", "conv.weight"), List.of("c"), ints("kernel_shape", 3, 3)))
                .addNode(node("BatchNormalization", "bn", List.of("c", "bn.weight", "bn.bias", "bn.running_mean",
                        "bn.running_var"), List.of("b"), integer("spatial", 1)))
                .addNode(node("Clip", "clip", List.of("b"), List.of("cl"), real("min", -1), real("max", 1)))
                .addNode(node("Upsample", "up", List.of("cl"), List.of("u"), string("mode", "nearest"),
                        AttributeProto.newBuilder().setName("scales").setType(AttributeProto.AttributeType.FLOATS)
                                .addFloats(1).addFloats(1).addFloats(2).addFloats(2).build()))
                .addNode(node("Pad", "pad", List.of("u"), List.of("p"), ints("pads", 0, 0, 1, 1, 0, 0, 1, 1),
                        real("value", 0.5f)))
                .addNode(node("Conv", "head", List.of("p", "head.weight"), List.of("h"), ints("kernel_shape", 3, 3)))
                .addNode(node("Slice", "crop", List.of("h"), List.of("output"), ints("axes", 3), ints("starts", 0),
                        ints("ends", -1)))
                .addOutput(value("output", 1, 4, 8, 7));
        g.getInitializerList().forEach(t -> g.addInput(value(t.getName(),
                t.getDimsList().stream().mapToLong(Long::longValue).toArray())));
        Path source = OnnxModels.save(OnnxModels.model(g, 7).toBuilder().setIrVersion(3).build(),
                dir.resolve("opset7.onnx"));
        Path pruned = dir.resolve("opset7.pruned.onnx");
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("conv2d", "batch_norm", "clip",
                    "upsample", "pad", "conv2d", "slice");
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 6, 6));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x), djl(graph, x))).isLessThan(1e-5f);
            OnnxParityTest.prune(graph, "head");
            assertThat(graph.node("conv").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            new OnnxFormat().write(graph, pruned);
            assertThat(Ort.maxAbsDiff(djl(graph, x), Ort.run(pruned, "input", x))).isLessThan(1e-5f);
        }
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(pruned));
        assertThat(written.getIrVersion()).isEqualTo(3);
        assertThat(written.getOpsetImport(0).getVersion()).isEqualTo(7);
        assertThat(written.getGraph().getInputList()).extracting(ValueInfoProto::getName)
                .contains("input", "conv.weight", "bn.running_var", "head.weight");
        assertThat(written.getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("Conv", "BatchNormalization", "Clip", "Upsample", "Pad", "Conv", "Slice");
    }

    @Test
    void tf2onnxNhwcTransposePairsAroundConvolutionsImportAndPruneThroughTheirChannels() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 8, 8, 3))
                .addInitializer(weight("model/conv1/Conv2D/ReadVariableOp:0", 1, 8, 3, 3, 3))
                .addInitializer(weight("model/conv1/BiasAdd/ReadVariableOp:0", 2, 8))
                .addInitializer(weight("model/conv2/Conv2D/ReadVariableOp:0", 3, 6, 8, 1, 1))
                .addInitializer(weight("model/dense/MatMul/ReadVariableOp:0", 4, 6, 5))
                .addInitializer(weight("model/dense/BiasAdd/ReadVariableOp:0", 5, 5))
                .addNode(node("Transpose", "model/conv1/Conv2D__6", List.of("input"), List.of("t0"), ints("perm", 0, 3, 1, 2)))
                .addNode(node("Conv", "model/conv1/Conv2D", List.of("t0", "model/conv1/Conv2D/ReadVariableOp:0",
                        "model/conv1/BiasAdd/ReadVariableOp:0"), List.of("c1"), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Transpose", "model/conv1/Conv2D__8", List.of("c1"), List.of("n1"), ints("perm", 0, 2, 3, 1)))
                .addNode(node("Relu", "model/conv1/Relu", List.of("n1"), List.of("r1")))
                .addNode(node("Transpose", "model/conv2/Conv2D__10", List.of("r1"), List.of("t1"), ints("perm", 0, 3, 1, 2)))
                .addNode(node("Conv", "model/conv2/Conv2D", List.of("t1", "model/conv2/Conv2D/ReadVariableOp:0"),
                        List.of("c2"), ints("kernel_shape", 1, 1)))
                .addNode(node("Transpose", "model/conv2/Conv2D__12", List.of("c2"), List.of("n2"), ints("perm", 0, 2, 3, 1)))
                .addNode(node("ReduceMean", "model/pool/Mean", List.of("n2"), List.of("mean"), ints("axes", 1, 2),
                        integer("keepdims", 0)))
                .addNode(node("MatMul", "model/dense/MatMul", List.of("mean", "model/dense/MatMul/ReadVariableOp:0"),
                        List.of("mm")))
                .addNode(node("Add", "model/dense/BiasAdd", List.of("mm", "model/dense/BiasAdd/ReadVariableOp:0"),
                        List.of("output")))
                .addOutput(value("output", 1, 5));
        Path source = OnnxModels.save(OnnxModels.model(g, 13).toBuilder().setProducerName("tf2onnx").build(),
                dir.resolve("tf2onnx.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("permute", "conv2d", "permute",
                    "relu", "permute", "conv2d", "permute", "mean", "linear");
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 8, 8, 3));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x), djl(graph, x))).isLessThan(1e-5f);
            OnnxParityTest.prune(graph, "model.dense");
            List<ai.bonsai.api.graph.Node> convs = graph.nodes().stream().filter(n -> n.op().name().equals("conv2d"))
                    .toList();
            assertThat(convs.get(0).parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(convs.get(1).parameter("weight").shape()).isEqualTo(new Shape(3, 4, 1, 1));
            assertThat(graph.node("model.dense").parameter("weight").shape()).isEqualTo(new Shape(5, 3));
            Path pruned = dir.resolve("tf2onnx.pruned.onnx");
            new OnnxFormat().write(graph, pruned);
            assertThat(Ort.maxAbsDiff(djl(graph, x), Ort.run(pruned, "input", x))).isLessThan(1e-5f);
            assertThat(ModelProto.parseFrom(Files.readAllBytes(pruned)).getGraph().getInitializerList())
                    .extracting(TensorProto::getName).contains("model/conv1/Conv2D/ReadVariableOp:0",
                            "model/dense/MatMul/ReadVariableOp:0");
        }
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }
}
