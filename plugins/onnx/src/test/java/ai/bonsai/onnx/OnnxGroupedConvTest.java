package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grouped Conv imported from ONNX prunes evenly inside its groups, keeps its {@code group}
 * attribute, and the pruned file runs in ONNX Runtime as Bonsai's DJL execution does.
 */
class OnnxGroupedConvTest {

    @TempDir
    Path dir;

    /** Conv 3 -> 16, BN, Relu, Conv 3x3 16 -> 24 in 4 groups, BN, Relu, Conv 1x1 24 -> 5. */
    private static Graph model() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("grouped", 3);
        Value x = b.input("input", new Shape(1, 3, 8, 8));
        Value h = b.relu("relu1", b.batchNorm("bn1", b.conv2d("conv1", x, 16, 3, 1, 1)));
        h = b.relu("relu2", b.batchNorm("bn2", b.conv2d("grouped", h, 24, 3, 1, 1, 1, 4, false)));
        b.output(b.conv2d("head", h, 5, 1, 1, 0));
        return b.build();
    }

    @Test
    void aGroupedConvPrunesInsideItsGroupsAndRunsInOnnxRuntime() throws Exception {
        Path source = dir.resolve("grouped.onnx");
        Path pruned = dir.resolve("grouped.pruned.onnx");
        try (Graph built = model()) {
            new OnnxFormat().write(built, source);
        }
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            OnnxParityTest.prune(g, "head");
            // conv1's 16 channels: 4 groups of 4 at the grouped conv's input, 2 kept in each;
            // the grouped conv's 24 outputs: 4 groups of 6, 3 kept in each.
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(8, 3, 3, 3));
            assertThat(g.node("grouped").parameter("weight").shape()).isEqualTo(new Shape(12, 2, 3, 3));
            assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(5, 12, 1, 1));
            new OnnxFormat().write(g, pruned);

            NodeProto conv = ModelProto.parseFrom(Files.readAllBytes(pruned)).getGraph().getNodeList()
                    .stream().filter(n -> n.getName().equals("grouped")).findFirst().orElseThrow();
            assertThat(conv.getAttributeList()).filteredOn(a -> a.getName().equals("group"))
                    .extracting(AttributeProto::getI).containsExactly(4L);
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 8, 8));
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x), djl)).isLessThan(1e-4f);
        }
    }
}
