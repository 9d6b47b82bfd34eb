package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.string;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a written model keeps of its source: initializer names, node names, doc strings and
 * metadata; and the forms that used to stay opaque: Conv 1-D, Resize by non-integer scales or to
 * sizes, ConvTranspose with asymmetric pads or an output shape. Each imports, runs on DJL like
 * ONNX Runtime runs the source, prunes through, and the pruned file runs in ONNX Runtime like DJL.
 */
class OnnxFidelityTest {

    @TempDir
    Path dir;

    @Test
    void initializerNamesNodeNamesDocStringsAndMetadataAreWrittenBack() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setDocString("the graph")
                .addInput(value("input", 1, 3, 6, 6).toBuilder().setDocString("an image"))
                .addInitializer(weight("c1.w", 1, 8, 3, 3, 3))
                .addInitializer(weight("c1.b", 2, 8))
                .addInitializer(weight("l1.w", 3, 8, 4))
                .addInitializer(weight("l1.b", 4, 4))
                .addNode(node("Conv", "conv_a", List.of("input", "c1.w", "c1.b"), List.of("c")).toBuilder()
                        .setDocString("stem convolution").build())
                .addNode(node("Relu", "relu_a", List.of("c"), List.of("r")))
                .addNode(node("GlobalAveragePool", "gap_a", List.of("r"), List.of("p")))
                .addNode(node("Flatten", "flat_a", List.of("p"), List.of("f")))
                .addNode(node("MatMul", "mm_a", List.of("f", "l1.w"), List.of("m")))
                .addNode(node("Add", "add_a", List.of("m", "l1.b"), List.of("output")))
                .addOutput(value("output", 1, 4));
        ModelProto source = OnnxModels.model(g, 13).toBuilder().setDocString("a model").setDomain("com.example")
                .setModelVersion(7).addMetadataProps(StringStringEntryProto.newBuilder().setKey("author")
                        .setValue("bonsai tests")).build();
        Path file = OnnxModels.save(source, dir.resolve("names.onnx"));
        Path pruned = dir.resolve("pruned.onnx");
        try (Graph graph = OnnxFixtures.read(file); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 6, 6));
            assertThat(Ort.maxAbsDiff(Ort.run(file, "input", x), djl(graph, x))).isLessThan(1e-5f);
            OnnxParityTest.prune(graph, "l1");
            new OnnxFormat().write(graph, pruned);
            assertThat(Ort.maxAbsDiff(djl(graph, x), Ort.run(pruned, "input", x))).isLessThan(1e-5f);
        }
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(pruned));
        assertThat(written.getGraph().getInitializerList()).extracting(TensorProto::getName)
                .containsExactlyInAnyOrder("c1.w", "c1.b", "l1.w", "l1.b");
        Map<String, TensorProto> tensors = written.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
        assertThat(tensors.get("c1.w").getDimsList()).containsExactly(4L, 3L, 3L, 3L);
        assertThat(tensors.get("l1.w").getDimsList()).containsExactly(4L, 4L);
        assertThat(written.getGraph().getNodeList()).extracting(NodeProto::getName)
                .as("MatMul and Add are one linear layer, written as one Gemm")
                .containsExactly("conv_a", "relu_a", "gap_a", "flat_a", "mm_a");
        assertThat(written.getGraph().getNode(0).getDocString()).isEqualTo("stem convolution");
        assertThat(written.getDocString()).isEqualTo("a model");
        assertThat(written.getDomain()).isEqualTo("com.example");
        assertThat(written.getModelVersion()).isEqualTo(7);
        assertThat(written.getGraph().getDocString()).isEqualTo("the graph");
        assertThat(written.getGraph().getInput(0).getDocString()).isEqualTo("an image");
        assertThat(written.getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .contains("author", "bonsai.provenance");
    }

    @Test
    void aOneDimensionalConvWithAsymmetricPadsImportsAsConv1dAndPrunes() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 2, 16))
                .addInitializer(weight("a.weight", 1, 8, 2, 3))
                .addInitializer(weight("a.bias", 2, 8))
                .addInitializer(weight("b.weight", 3, 4, 8, 5))
                .addNode(node("Conv", "/a/Conv", List.of("input", "a.weight", "a.bias"), List.of("c"),
                        ints("kernel_shape", 3), ints("strides", 2), ints("pads", 0, 1)))
                .addNode(node("Relu", "/relu/Relu", List.of("c"), List.of("r")))
                .addNode(node("Conv", "/b/Conv", List.of("r", "b.weight"), List.of("output"),
                        ints("dilations", 2), ints("pads", 4, 4)))
                .addOutput(value("output", 1, 4, 8));
        Path file = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("conv1d.onnx"));
        try (Graph graph = OnnxFixtures.read(file); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("pad", "conv1d", "relu", "conv1d");
            assertThat(graph.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEmpty();
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 2, 16));
            assertRunsLikeTheSourceAndPrunes(file, graph, x, "b");
            assertThat(graph.node("a").parameter("weight").shape()).isEqualTo(new Shape(4, 2, 3));
            assertThat(graph.node("b").parameter("weight").shape()).isEqualTo(new Shape(4, 4, 5));
        }
    }

    @Test
    void resizeByNonIntegerScalesOrToSizesImportsRunsLikeOnnxRuntimeAndPrunesThrough() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 6, 5))
                .addInitializer(weight("a.weight", 1, 8, 3, 3, 3))
                .addInitializer(weight("b.weight", 2, 8, 8, 1, 1))
                .addInitializer(weight("c.weight", 3, 4, 8, 1, 1))
                .addInitializer(OnnxModels.floats("scales", new long[] {4}, 1, 1, 1.5f, 1.7f))
                .addInitializer(OnnxModels.int64s("sizes", 1, 8, 7, 11))
                .addInitializer(OnnxModels.int64s("sizes2", 1, 8, 5, 4))
                .addNode(node("Conv", "/a/Conv", List.of("input", "a.weight"), List.of("a"), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Resize", "/up/Resize", List.of("a", "", "scales"), List.of("up"),
                        string("mode", "linear")))
                .addNode(node("Conv", "/b/Conv", List.of("up", "b.weight"), List.of("b")))
                .addNode(node("Resize", "/near/Resize", List.of("b", "", "", "sizes"), List.of("near"),
                        string("mode", "nearest"), string("coordinate_transformation_mode", "half_pixel")))
                .addNode(node("Resize", "/down/Resize", List.of("near", "", "", "sizes2"), List.of("down"),
                        string("mode", "linear"), string("coordinate_transformation_mode", "align_corners")))
                .addNode(node("Conv", "/c/Conv", List.of("down", "c.weight"), List.of("output")))
                .addOutput(value("output", 1, 4, 5, 4));
        Path file = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("resize.onnx"));
        try (Graph graph = OnnxFixtures.read(file); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("conv2d", OnnxResizeOp.NAME,
                    "conv2d", OnnxResizeOp.NAME, OnnxResizeOp.NAME, "conv2d");
            assertThat(graph.node("up").output().shape()).isEqualTo(new Shape(1, 8, 9, 8));
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 6, 5));
            assertRunsLikeTheSourceAndPrunes(file, graph, x, "c");
            assertThat(graph.node("a").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(graph.node("c").parameter("weight").shape()).isEqualTo(new Shape(4, 4, 1, 1));
        }
    }

    @Test
    void convTransposeWithAsymmetricPadsOrAnOutputShapeImportsAsConvTransposeAndCrop() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 2, 5, 5))
                .addInitializer(weight("t1.weight", 1, 2, 6, 3, 3))
                .addInitializer(weight("t2.weight", 2, 6, 4, 3, 3))
                .addInitializer(weight("t2.bias", 3, 4))
                .addInitializer(weight("head.weight", 4, 3, 4, 1, 1))
                .addNode(node("ConvTranspose", "/t1/ConvTranspose", List.of("input", "t1.weight"), List.of("a"),
                        ints("strides", 2, 2), ints("pads", 0, 1, 1, 2)))
                .addNode(node("Relu", "/relu/Relu", List.of("a"), List.of("r")))
                .addNode(node("ConvTranspose", "/t2/ConvTranspose", List.of("r", "t2.weight", "t2.bias"),
                        List.of("b"), ints("strides", 2, 2), ints("output_shape", 16, 17)))
                .addNode(node("Conv", "/head/Conv", List.of("b", "head.weight"), List.of("output")))
                .addOutput(value("output", 1, 3, 16, 17));
        Path file = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("convt.onnx"));
        try (Graph graph = OnnxFixtures.read(file); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("conv_transpose2d", "slice",
                    "slice", "relu", "conv_transpose2d", "slice", "conv2d");
            assertThat(graph.node("t1").attributes().getLongs("padding")).containsExactly(0, 1);
            assertThat(graph.outputs().get(0).shape()).isEqualTo(new Shape(1, 3, 16, 17));
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 2, 5, 5));
            assertRunsLikeTheSourceAndPrunes(file, graph, x, "head");
            assertThat(graph.node("t1").parameter("weight").shape()).isEqualTo(new Shape(2, 3, 3, 3));
            assertThat(graph.node("t2").parameter("weight").shape()).isEqualTo(new Shape(3, 2, 3, 3));
        }
    }

    private void assertRunsLikeTheSourceAndPrunes(Path file, Graph graph, NDArray x, String ignored) throws Exception {
        float[] expected = Ort.run(file, "input", x);
        assertThat(Ort.maxAbsDiff(expected, djl(graph, x))).isLessThan(1e-5f);
        Path copy = dir.resolve("copy.onnx");
        new OnnxFormat().write(graph, copy);
        assertThat(Ort.maxAbsDiff(expected, Ort.run(copy, "input", x))).isLessThan(1e-5f);
        OnnxParityTest.prune(graph, ignored);
        Path pruned = dir.resolve("pruned.onnx");
        new OnnxFormat().write(graph, pruned);
        assertThat(Ort.maxAbsDiff(djl(graph, x), Ort.run(pruned, "input", x))).isLessThan(1e-5f);
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }
}
