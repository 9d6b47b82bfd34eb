package ai.bonsai.onnx;

import static ai.bonsai.core.testing.ConvAttributes.conv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grouped (not depthwise) ConvTranspose imported from ONNX prunes as a grouped Conv does, mirrored
 * by its {@code [in, out/groups, k, k]} weight: every group loses as many input channels (weight
 * rows) and the same positions of output channels (weight columns), {@code group} is kept, the
 * pruned model equals the original with those channels masked, and the pruned file runs in ONNX
 * Runtime as Bonsai's DJL execution does.
 */
class OnnxGroupedConvTransposeTest {

    @TempDir
    Path dir;

    private Path source;

    /**
     * conv1: Conv 3 → 16, 3×3, bias; Relu; up: ConvTranspose 16 → 24, 3×3, stride 2, pad 1,
     * output_padding 1, 4 groups, bias; Relu; head: Conv 1×1 24 → 5, bias.
     */
    @BeforeEach
    void writeModel() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("grouped_up", 5);
        Value x = b.input("input", new Shape(1, 3, 6, 6));
        Value h = b.relu("relu1", b.op("conv2d", "conv1", conv(2, 16, 3, 1, 1, 1, true), x));
        h = b.relu("relu2", b.op("conv_transpose2d", "up", conv(2, 24, 3, 2, 1, 4, true)
                .with("output_padding", new long[] {1, 1}), h));
        b.output(b.op("conv2d", "head", conv(2, 5, 1, 1, 0, 1, true), h));
        source = dir.resolve("grouped_up.onnx");
        try (Graph g = b.build()) {
            new OnnxFormat().write(g, source);
        }
    }

    private static float[] run(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }

    @Test
    void halfOfEveryGroupGoesAndThePrunedFileRunsInOnnxRuntime() throws Exception {
        Path pruned = dir.resolve("grouped_up.pruned.onnx");
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.node("up").op().name()).isEqualTo("conv_transpose2d");
            // conv1 16·3·9 + 16 = 448; up [16, 24/4, 3, 3] = 864 + 24 = 888; head 24·5 + 5 = 125.
            assertThat(OpCounter.count(g).params()).isEqualTo(448 + 888 + 125);
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 6, 6));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x), run(g, x))).isLessThan(1e-4f);

            OnnxParityTest.prune(g, "head");
            // conv1's 16 channels are 4 groups of 4 at up's input: 2 kept in each (8);
            // up's 24 outputs are 4 groups of 6: 3 kept at the same positions in each (12).
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(8, 3, 3, 3));
            assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(8, 3, 3, 3));
            assertThat(g.node("up").parameter("bias").shape()).isEqualTo(new Shape(12));
            assertThat(g.node("up").attributes().getLong("groups")).isEqualTo(4);
            assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(5, 12, 1, 1));
            // conv1 8·27 + 8 = 224; up 8·3·9 + 12 = 228; head 12·5 + 5 = 65.
            assertThat(OpCounter.count(g).params()).isEqualTo(224 + 228 + 65);
            new OnnxFormat().write(g, pruned);

            NodeProto up = ModelProto.parseFrom(Files.readAllBytes(pruned)).getGraph().getNodeList().stream()
                    .filter(n -> n.getOpType().equals("ConvTranspose")).findFirst().orElseThrow();
            assertThat(up.getAttributeList()).filteredOn(a -> a.getName().equals("group"))
                    .extracting(AttributeProto::getI).containsExactly(4L);
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x), run(g, x))).isLessThan(1e-4f);
        }
    }

    @Test
    void thePrunedModelEqualsTheOriginalWithThoseChannelsMasked() throws Exception {
        // Output positions 1 and 4 of each group of 6; input channels 0, 5, 10, 15 (one per group).
        IndexSet outputs = IndexSet.of(1, 4, 7, 10, 13, 16, 19, 22);
        IndexSet inputs = IndexSet.of(0, 5, 10, 15);
        try (Graph masked = OnnxFixtures.read(source); Graph g = OnnxFixtures.read(source);
                NDManager m = NDManager.newBaseManager()) {
            DependencyGraph.build(masked).getPruningGroup(masked.node("up"), PruningHandle.PRUNE_OUT, outputs).mask();
            DependencyGraph.build(masked).getPruningGroup(masked.node("conv1"), PruningHandle.PRUNE_OUT, inputs).mask();
            assertThat(masked.node("up").parameter("weight").array().get(new NDIndex(":, 4")).abs().sum()
                    .getFloat()).isZero();
            DependencyGraph.build(g).getPruningGroup(g.node("up"), PruningHandle.PRUNE_OUT, outputs).prune();
            DependencyGraph.build(g).getPruningGroup(g.node("conv1"), PruningHandle.PRUNE_OUT, inputs).prune();
            assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(12, 4, 3, 3));
            assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(5, 16, 1, 1));
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 6, 6));
            assertThat(Ort.maxAbsDiff(run(g, x), run(masked, x))).isLessThan(1e-5f);
            Path pruned = dir.resolve("masked.pruned.onnx");
            new OnnxFormat().write(g, pruned);
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x), run(masked, x))).isLessThan(1e-4f);
        }
    }

    @Test
    void outputsAtDifferentPositionsOrUnevenInputsAreRefusedNamingTheNode() {
        try (Graph g = OnnxFixtures.read(source)) {
            DependencyGraph dg = DependencyGraph.build(g);
            assertThatThrownBy(() -> dg.getPruningGroup(g.node("up"), PruningHandle.PRUNE_OUT,
                    IndexSet.of(1, 7, 13, 20)).prune()).isInstanceOf(PruningException.class)
                    .hasMessageContaining("'up'").hasMessageContaining("same positions");
            assertThatThrownBy(() -> dg.getPruningGroup(g.node("conv1"), PruningHandle.PRUNE_OUT,
                    IndexSet.of(0, 1, 4)).prune()).isInstanceOf(PruningException.class)
                    .hasMessageContaining("'up'").hasMessageContaining("equal number");
            assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(16, 6, 3, 3));
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(16, 3, 3, 3));
        }
    }
}
