package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.string;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
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
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auto_pad=SAME_UPPER/SAME_LOWER} on Conv and MaxPool, even and uneven (a stride-2 conv, a
 * 2×2 conv, a stride-2 pool): the model imports at one size with explicit padding (uneven padding
 * as a {@code pad} node), prunes, and is written with {@code auto_pad} again and without those
 * {@code pad} nodes, so the pruned file runs in ONNX Runtime as DJL does at the import's size and
 * at another one.
 */
class OnnxAutoPadTest {

    @TempDir
    Path dir;

    private static ValueInfoProto image() {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("height"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
        return ValueInfoProto.newBuilder().setName("input").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    private static void conv(GraphProto.Builder g, String name, String in, String out, long inChannels, long k,
            long stride, String autoPad, long seed) {
        g.addInitializer(weight(name + ".weight", seed, 8, inChannels, k, k))
                .addInitializer(weight(name + ".bias", seed + 1, 8))
                .addNode(node("Conv", "/" + name + "/Conv", List.of(in, name + ".weight", name + ".bias"),
                        List.of(out + "_c"), ints("kernel_shape", k, k), ints("strides", stride, stride),
                        string("auto_pad", autoPad)))
                .addNode(node("Relu", "/" + name + "/Relu", List.of(out + "_c"), List.of(out)));
    }

    /**
     * c1 (3×3, stride 2, SAME_UPPER), c2 (2×2, SAME_LOWER: one row and column before), pool (3×3
     * max, stride 2, SAME_UPPER), c3 (3×3, SAME_LOWER), global average, fc 8 → 4.
     */
    private Path model() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(image())
                .addOutput(OnnxModels.value("output", 1, 4));
        conv(g, "c1", "input", "a", 3, 3, 2, "SAME_UPPER", 1);
        conv(g, "c2", "a", "b", 8, 2, 1, "SAME_LOWER", 3);
        g.addNode(node("MaxPool", "/pool/MaxPool", List.of("b"), List.of("p"), ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), string("auto_pad", "SAME_UPPER")));
        conv(g, "c3", "p", "c", 8, 3, 1, "SAME_LOWER", 5);
        g.addInitializer(weight("fc.weight", 7, 4, 8)).addInitializer(weight("fc.bias", 8, 4))
                .addNode(node("GlobalAveragePool", "/gap/GlobalAveragePool", List.of("c"), List.of("gap")))
                .addNode(node("Flatten", "/flatten/Flatten", List.of("gap"), List.of("flat"), integer("axis", 1)))
                .addNode(node("Gemm", "/fc/Gemm", List.of("flat", "fc.weight", "fc.bias"), List.of("output"),
                        integer("transB", 1)));
        return OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("auto_pad.onnx"));
    }

    private static Graph read(Path file, Shape input) {
        return new OnnxFormat().read(file, PluginHost.classpathOnly().newGraphBuilder("onnx", 0), Map.of("input", input));
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }

    private static String autoPad(NodeProto n) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals("auto_pad")).findFirst()
                .map(a -> a.getS().toStringUtf8()).orElse("NOTSET");
    }

    @Test
    void samePaddingIsWrittenBackAsAutoPadAndThePrunedFileRunsAtAnySize() throws Exception {
        Path source = model();
        Path pruned = dir.resolve("auto_pad.pruned.onnx");
        try (Graph g = read(source, new Shape(1, 3, 8, 8)); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).containsExactly("pad", "conv2d", "relu", "pad",
                    "conv2d", "relu", "pad", "max_pool2d", "conv2d", "relu", "adaptive_avg_pool2d", "flatten", "linear");
            assertThat(g.node("c1.pad").attributes().getLongs("pads")).containsExactly(0, 1, 0, 1);
            assertThat(g.node("c2.pad").attributes().getLongs("pads")).containsExactly(1, 0, 1, 0);
            assertThat(g.node("pool.pad").attributes().getLongs("pads")).containsExactly(0, 1, 0, 1);
            assertThat(g.node("c3").attributes().getLongs("padding")).containsExactly(1, 1);
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x), djl(g, x))).isLessThan(1e-4f);

            OnnxParityTest.prune(g, "fc");
            assertThat(g.node("c3").parameter("weight").shape()).isEqualTo(new Shape(4, 4, 3, 3));
            new OnnxFormat().write(g, pruned);
            List<NodeProto> nodes = ModelProto.parseFrom(Files.readAllBytes(pruned)).getGraph().getNodeList();
            assertThat(nodes).extracting(NodeProto::getOpType).doesNotContain("Pad");
            assertThat(nodes).filteredOn(n -> n.getOpType().equals("Conv") || n.getOpType().equals("MaxPool"))
                    .extracting(OnnxAutoPadTest::autoPad)
                    .containsExactly("SAME_UPPER", "SAME_LOWER", "SAME_UPPER", "SAME_LOWER");
            assertThat(nodes).flatExtracting(NodeProto::getAttributeList).extracting(AttributeProto::getName)
                    .doesNotContain("pads");
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x), djl(g, x))).isLessThan(1e-4f);
        }
        try (Graph other = read(pruned, new Shape(1, 3, 11, 13)); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 3, 11, 13));
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x), djl(other, x))).isLessThan(1e-4f);
        }
    }
}
