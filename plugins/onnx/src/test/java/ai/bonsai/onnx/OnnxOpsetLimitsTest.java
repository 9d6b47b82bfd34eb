package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Operators newer than a model's opset: a GELU exported at opset 9 ({@code Div/Erf/Add/Mul/Mul})
 * prunes and is written back at opset 9; the same nodes in a file that imports opset 8 (which has
 * no Erf) are refused on reading, and a GELU cannot be written at opsets 7 and 8, each with a
 * message naming the node and the opset needed. An {@code expand} is written as Expand from opset
 * 8 on and as the equal broadcasting {@code Mul} by ones at opset 7.
 */
class OnnxOpsetLimitsTest {

    @TempDir
    Path dir;

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
    }

    /** fc1 (8 → 16), exact GELU as PyTorch exports it before opset 20, fc2 (16 → 4). */
    private Path gelu(long opset) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 2, 8)).addOutput(value("output", 2, 4))
                .addInitializer(weight("onnx::MatMul_fc1", 1, 8, 16)).addInitializer(weight("fc1.bias", 2, 16))
                .addInitializer(weight("onnx::MatMul_fc2", 3, 16, 4)).addInitializer(weight("fc2.bias", 4, 4))
                .addInitializer(scalar("sqrt2", (float) Math.sqrt(2))).addInitializer(scalar("one", 1f))
                .addInitializer(scalar("half", 0.5f))
                .addNode(node("MatMul", "/fc1/MatMul", List.of("input", "onnx::MatMul_fc1"), List.of("h0")))
                .addNode(node("Add", "/fc1/Add", List.of("fc1.bias", "h0"), List.of("h")))
                .addNode(node("Div", "/act/Div", List.of("h", "sqrt2"), List.of("d")))
                .addNode(node("Erf", "/act/Erf", List.of("d"), List.of("e")))
                .addNode(node("Add", "/act/Add", List.of("e", "one"), List.of("p")))
                .addNode(node("Mul", "/act/Mul", List.of("h", "p"), List.of("m")))
                .addNode(node("Mul", "/act/Mul_1", List.of("m", "half"), List.of("a")))
                .addNode(node("MatMul", "/fc2/MatMul", List.of("a", "onnx::MatMul_fc2"), List.of("o0")))
                .addNode(node("Add", "/fc2/Add", List.of("fc2.bias", "o0"), List.of("output")));
        return OnnxModels.save(OnnxModels.model(g, opset), dir.resolve("gelu" + opset + ".onnx"));
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }

    private static List<String> opTypes(Path file) throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(file)).getGraph().getNodeList().stream()
                .map(NodeProto::getOpType).toList();
    }

    private static long opset(Path file) throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(file)).getOpsetImport(0).getVersion();
    }

    @Test
    void aGeluExportedAtOpsetNinePrunesAndIsWrittenBackAtOpsetNine() throws Exception {
        Path source = gelu(9);
        Path pruned = dir.resolve("gelu9.pruned.onnx");
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).containsExactly("linear", "gelu", "linear");
            NDArray x = m.randomNormal(new Shape(2, 8));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x), djl(g, x))).isLessThan(1e-5f);
            OnnxParityTest.prune(g, "fc2");
            assertThat(g.node("fc1").parameter("weight").shape()).isEqualTo(new Shape(8, 8));
            new OnnxFormat().write(g, pruned);
            assertThat(opset(pruned)).isEqualTo(9);
            assertThat(opTypes(pruned)).contains("Erf").doesNotContain("Gelu");
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x), djl(g, x))).isLessThan(1e-5f);
        }
    }

    @Test
    void erfInAModelOfOpsetEightIsRefusedOnReadingNamingTheNode() {
        Path source = gelu(8);
        assertThatThrownBy(() -> OnnxFixtures.read(source)).isInstanceOf(ModelFormatException.class)
                .hasMessage(source + ": node '/act/Erf' (Erf): Erf exists in ONNX from opset 9, the model"
                        + " imports opset 8");
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8})
    void aGeluCannotBeWrittenBeforeOpsetNine(long opset) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("gelu", 1);
        b.metadata(OnnxMetadata.OPSET, String.valueOf(opset));
        Value x = b.input("input", new Shape(2, 8));
        b.output(b.linear("fc2", b.op("gelu", "act", Attributes.of(), b.linear("fc1", x, 16)), 4));
        Path target = dir.resolve("gelu.onnx");
        try (Graph g = b.build()) {
            assertThatThrownBy(() -> new OnnxFormat().write(g, target)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("node 'act': gelu is written with Erf, which ONNX has from opset 9 on;"
                            + " the model's opset is " + opset);
        }
        assertThat(target).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 13})
    void anExpandIsWrittenAsExpandFromOpsetEightAndAsAMulByOnesBefore(long opset) throws Exception {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("expand", 2);
        b.metadata(OnnxMetadata.OPSET, String.valueOf(opset));
        Value x = b.input("input", new Shape(1, 4, 1, 1));
        Value wide = b.op("expand", "expand", Attributes.of().with("shape", new long[] {1, 4, 3, 3}), x);
        b.output(b.conv2d("head", b.relu("relu", wide), 2, 3, 1, 1));
        Path file = dir.resolve("expand" + opset + ".onnx");
        try (Graph g = b.build(); NDManager m = NDManager.newBaseManager()) {
            new OnnxFormat().write(g, file);
            assertThat(opset(file)).isEqualTo(opset);
            if (opset < 8) {
                assertThat(opTypes(file)).contains("Mul").doesNotContain("Expand");
            } else {
                assertThat(opTypes(file)).contains("Expand");
            }
            NDArray in = m.randomNormal(new Shape(1, 4, 1, 1));
            assertThat(Ort.maxAbsDiff(Ort.run(file, "input", in), djl(g, in))).isLessThan(1e-5f);
            try (Graph again = OnnxFixtures.read(file)) {
                assertThat(Ort.maxAbsDiff(djl(again, in), djl(g, in))).isLessThan(1e-5f);
            }
        }
    }
}
