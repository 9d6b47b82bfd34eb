package ai.bonsai.onnx;

import static ai.bonsai.core.testing.ConvAttributes.conv;
import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.string;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.count.OpCounter;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConvTranspose maps to {@code conv_transpose1d}/{@code conv_transpose2d} and back: a decoder
 * built in Java writes, re-imports, runs in ONNX Runtime like DJL, prunes through the transposed
 * conv and exports smaller; a grouped one imports and prunes inside its groups; pads PyTorch cannot
 * express keep the node opaque; a malformed one is named.
 */
class OnnxConvTransposeTest {

    @TempDir
    Path dir;

    /** Conv (stride 2) - ConvTranspose (stride 2, padding 1, output_padding 1) - Relu - Conv 1x1. */
    private static Graph decoder() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("decoder", 7);
        Value x = b.input("input", new Shape(1, 3, 8, 8));
        Value down = b.op("conv2d", "down", conv(2, 8, 3, 2, 1, 1, true), x);
        Value up = b.op("conv_transpose2d", "up", conv(2, 6, 3, 2, 1, 1, true)
                .with("output_padding", new long[] {1, 1}), down);
        Value relu = b.relu("relu", up);
        b.output(b.op("conv2d", "head", conv(2, 4, 1, 1, 0, 1, true), relu));
        return b.build();
    }

    @Test
    void aDecoderWrittenFromJavaReimportsRunsLikeDjlAndPrunesThroughTheTransposedConv()
            throws Exception {
        Path source = dir.resolve("decoder.onnx");
        Path copy = dir.resolve("decoder.copy.onnx");
        Path pruned = dir.resolve("decoder.pruned.onnx");
        try (Graph built = decoder(); NDManager m = NDManager.newBaseManager()) {
            new OnnxFormat().write(built, source);
            NodeProto written = nodes(source).get("up");
            assertThat(written.getOpType()).isEqualTo("ConvTranspose");
            assertThat(written.getInputList()).containsExactly("down", "up.weight", "up.bias");
            assertThat(attribute(written, "strides")).containsExactly(2L, 2L);
            assertThat(attribute(written, "pads")).containsExactly(1L, 1L, 1L, 1L);
            assertThat(attribute(written, "output_padding")).containsExactly(1L, 1L);
            assertThat(attribute(written, "kernel_shape")).containsExactly(3L, 3L);

            try (Graph g = OnnxFixtures.read(source)) {
                assertThat(g.nodes()).extracting(n -> n.op().name())
                        .containsExactly("conv2d", "conv_transpose2d", "relu", "conv2d");
                assertThat(g.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES, "");
                assertThat(g.node("up").attributes().getLongs("output_padding")).containsExactly(1, 1);
                assertThat(g.node("up").attributes().getLongs("padding")).containsExactly(1, 1);
                assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(8, 6, 3, 3));
                assertThat(g.node("up").output().shape()).isEqualTo(built.node("up").output().shape())
                        .isEqualTo(new Shape(1, 6, 8, 8));
                assertThat(g.outputs().get(0).shape()).isEqualTo(built.outputs().get(0).shape());

                NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 8, 8));
                float[] ort = Ort.run(source, "input", x);
                assertThat(Ort.maxAbsDiff(ort, djl(g, x))).isLessThan(1e-4f);
                assertThat(Ort.maxAbsDiff(ort, djl(built, x))).isLessThan(1e-4f);
                new OnnxFormat().write(g, copy);
                assertThat(Ort.maxAbsDiff(ort, Ort.run(copy, "input", x))).isLessThan(1e-5f);

                long before = OpCounter.count(g).params();
                OnnxParityTest.prune(g, "head");
                assertThat(g.node("down").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
                assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
                assertThat(g.node("up").parameter("bias").shape()).isEqualTo(new Shape(3));
                assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(4, 3, 1, 1));
                long removed = before - OpCounter.count(g).params();

                new OnnxFormat().write(g, pruned);
                assertThat(Ort.maxAbsDiff(djl(g, x), Ort.run(pruned, "input", x))).isLessThan(1e-4f);
                assertThat(Files.size(copy) - Files.size(pruned)).isGreaterThanOrEqualTo(removed * 4);
            }
        }
        NodeProto up = nodes(pruned).get("up");
        assertThat(up.getInputList()).containsExactly("down", "up.weight", "up.bias");
        assertThat(attribute(up, "output_padding")).containsExactly(1L, 1L);
    }

    @Test
    void aGroupedConvTransposeImportsRunsAndPrunesInsideItsGroups() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 6, 6))
                .addInitializer(weight("conv.weight", 1, 4, 3, 3, 3))
                .addInitializer(weight("up.weight", 2, 4, 3, 2, 2))
                .addInitializer(weight("up.bias", 3, 6))
                .addInitializer(weight("head.weight", 4, 2, 6, 1, 1))
                .addNode(node("Conv", "/conv/Conv", List.of("input", "conv.weight"), List.of("c"),
                        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)))
                .addNode(node("ConvTranspose", "/up/ConvTranspose", List.of("c", "up.weight", "up.bias"),
                        List.of("u"), integer("group", 2), ints("kernel_shape", 2, 2), ints("strides", 2, 2)))
                .addNode(node("Relu", "/relu/Relu", List.of("u"), List.of("r")))
                .addNode(node("Conv", "/head/Conv", List.of("r", "head.weight"), List.of("output")))
                .addOutput(value("output", 1, 2, 12, 12));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("grouped.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name())
                    .containsExactly("conv2d", "conv_transpose2d", "relu", "conv2d");
            Attributes up = graph.node("up").attributes();
            assertThat(up.getLong("groups")).isEqualTo(2);
            assertThat(up.getLong("out_channels")).isEqualTo(6);
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 6, 6));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x), djl(graph, x))).isLessThan(1e-4f);

            OnnxParityTest.prune(graph, "head");
            // conv's 4 channels: 2 groups of 2 at up's input, 1 kept in each; up's 6 outputs: 2
            // groups of 3, int(3 · 0.5) = 1 position kept in each (see OnnxGroupedConvTransposeTest).
            assertThat(graph.node("conv").parameter("weight").shape()).isEqualTo(new Shape(2, 3, 3, 3));
            assertThat(graph.node("up").parameter("weight").shape()).isEqualTo(new Shape(2, 1, 2, 2));
            assertThat(graph.node("head").parameter("weight").shape()).isEqualTo(new Shape(2, 2, 1, 1));
            Path copy = dir.resolve("grouped.copy.onnx");
            new OnnxFormat().write(graph, copy);
            assertThat(nodes(copy).get("/up/ConvTranspose").getAttributeList()).anyMatch(
                    a -> a.getName().equals("group") && a.getI() == 2);
            assertThat(Ort.maxAbsDiff(djl(graph, x), Ort.run(copy, "input", x))).isLessThan(1e-4f);
        }
    }

    @Test
    void aOneDimensionalConvTransposeWithEvenSameAutoPadMaps() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 2, 5))
                .addInitializer(weight("t1.weight", 1, 2, 3, 4))
                .addNode(node("ConvTranspose", "/t1/ConvTranspose", List.of("input", "t1.weight"),
                        List.of("output"), ints("strides", 2), string("auto_pad", "SAME_UPPER")))
                .addOutput(value("output", 1, 3, 10));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("t1.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.node("t1").op().name()).isEqualTo("conv_transpose1d");
            assertThat(graph.node("t1").attributes().getLongs("padding")).containsExactly(1);
            assertThat(graph.outputs().get(0).shape()).isEqualTo(new Shape(1, 3, 10));
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 2, 5));
            float[] expected = Ort.run(source, "input", x);
            assertThat(Ort.maxAbsDiff(expected, djl(graph, x))).isLessThan(1e-5f);
            Path copy = dir.resolve("t1.copy.onnx");
            new OnnxFormat().write(graph, copy);
            assertThat(nodes(copy).get("/t1/ConvTranspose").getOpType()).isEqualTo("ConvTranspose");
            assertThat(Ort.maxAbsDiff(expected, Ort.run(copy, "input", x))).isLessThan(1e-5f);
        }
    }

    @Test
    void asymmetricPadsAndAnExplicitOutputShapeBecomeSymmetricPaddingAndACrop() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 2, 5))
                .addInitializer(weight("t2.weight", 1, 2, 2, 3))
                .addInitializer(weight("t3.weight", 2, 2, 2, 3))
                .addNode(node("ConvTranspose", "/t2/ConvTranspose", List.of("input", "t2.weight"),
                        List.of("a"), ints("pads", 0, 1)))
                .addNode(node("ConvTranspose", "/t3/ConvTranspose", List.of("a", "t3.weight"),
                        List.of("output"), ints("strides", 2), ints("output_shape", 12)))
                .addOutput(value("output", 1, 2, 12));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("cropped.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name())
                    .containsExactly("conv_transpose1d", "slice", "conv_transpose1d", "slice");
            assertThat(graph.metadata()).containsEntry(OnnxMetadata.OPAQUE_NODES, "");
            assertThat(graph.node("t2.crop").attributes().getLong("end")).isEqualTo(6);
            assertThat(graph.node("t3").attributes().getLongs("padding")).containsExactly(0);
            assertThat(graph.outputs().get(0).shape()).isEqualTo(new Shape(1, 2, 12));
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 2, 5));
            float[] expected = Ort.run(source, "input", x);
            assertThat(Ort.maxAbsDiff(expected, djl(graph, x))).isLessThan(1e-5f);
            Path copy = dir.resolve("cropped.copy.onnx");
            new OnnxFormat().write(graph, copy);
            assertThat(Ort.maxAbsDiff(expected, Ort.run(copy, "input", x))).isLessThan(1e-5f);
        }
    }

    @Test
    void aConvTransposeWhoseGroupsDoNotDivideItsChannelsIsNamed() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 4, 5))
                .addInitializer(weight("bad.weight", 1, 4, 3, 2))
                .addNode(node("ConvTranspose", "/bad/ConvTranspose", List.of("input", "bad.weight"),
                        List.of("output"), integer("group", 3)))
                .addOutput(value("output", 1, 9, 6));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("bad.onnx"));
        assertThatThrownBy(() -> OnnxFixtures.read(source)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(source.toString())
                .hasMessageContaining("node '/bad/ConvTranspose' (ConvTranspose)")
                .hasMessageContaining("groups 3 must divide input channels 4 and output channels 9");
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }

    private static Map<String, NodeProto> nodes(Path file) throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(file)).getGraph().getNodeList().stream()
                .collect(Collectors.toMap(NodeProto::getName, n -> n));
    }

    private static List<Long> attribute(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(AttributeProto::getIntsList).orElse(null);
    }
}
