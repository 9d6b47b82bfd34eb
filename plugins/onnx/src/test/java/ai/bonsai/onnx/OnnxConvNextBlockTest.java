package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.real;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ConvNeXt block as torchvision exports it: depthwise 7×7 conv, permute to channels-last,
 * LayerNorm over the channels (the {@code LayerNormalization} op of opset 17, or the decomposed
 * {@code ReduceMean/Sub/Pow/…} form of opset 13), the MLP as MatMul + Add, permute back, the layer
 * scale (a per-channel parameter [C, 1, 1]) multiplied in, and the residual. The norm, the layer
 * scale and the permutes carry the block's channels, so pruning halves both the hidden width and the
 * MLP, and the pruned file runs in ONNX Runtime.
 */
class OnnxConvNextBlockTest {

    private static final int C = 8;

    @TempDir
    Path dir;

    /** stem (3→8, 1×1) → ConvNeXt block → head (8→4, 1×1). */
    private Path block(boolean fusedNorm) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 8, 8))
                .addOutput(value("output", 1, 4, 8, 8))
                .addInitializer(weight("stem.weight", 1, C, 3, 1, 1)).addInitializer(weight("stem.bias", 2, C))
                .addInitializer(weight("block.0.weight", 3, C, 1, 7, 7)).addInitializer(weight("block.0.bias", 4, C))
                .addInitializer(OnnxModels.positive("block.2.weight", 5, C)).addInitializer(weight("block.2.bias", 6, C))
                .addInitializer(weight("onnx::MatMul_31", 7, C, 4 * C)).addInitializer(weight("block.3.bias", 8, 4 * C))
                .addInitializer(weight("onnx::MatMul_32", 9, 4 * C, C)).addInitializer(weight("block.5.bias", 10, C))
                .addInitializer(weight("layer_scale", 11, C, 1, 1))
                .addInitializer(weight("head.weight", 12, 4, C, 1, 1)).addInitializer(weight("head.bias", 13, 4))
                .addNode(node("Conv", "/stem/Conv", List.of("input", "stem.weight", "stem.bias"), List.of("x")))
                .addNode(node("Conv", "/block/block.0/Conv", List.of("x", "block.0.weight", "block.0.bias"), List.of("dw"),
                        integer("group", C), ints("pads", 3, 3, 3, 3), ints("kernel_shape", 7, 7)))
                .addNode(node("Transpose", "/block/block.1/Transpose", List.of("dw"), List.of("nhwc"),
                        ints("perm", 0, 2, 3, 1)));
        g.addAllNode(norm(g, fusedNorm));
        g.addNode(node("MatMul", "/block/block.3/MatMul", List.of("ln", "onnx::MatMul_31"), List.of("h")))
                .addNode(node("Add", "/block/block.3/Add", List.of("h", "block.3.bias"), List.of("hb")))
                .addNode(node("Relu", "/block/block.4/Relu", List.of("hb"), List.of("act")))
                .addNode(node("MatMul", "/block/block.5/MatMul", List.of("act", "onnx::MatMul_32"), List.of("o")))
                .addNode(node("Add", "/block/block.5/Add", List.of("o", "block.5.bias"), List.of("ob")))
                .addNode(node("Transpose", "/block/block.6/Transpose", List.of("ob"), List.of("nchw"),
                        ints("perm", 0, 3, 1, 2)))
                .addNode(node("Mul", "/Mul", List.of("layer_scale", "nchw"), List.of("scaled")))
                .addNode(node("Add", "/Add", List.of("scaled", "x"), List.of("res")))
                .addNode(node("Conv", "/head/Conv", List.of("res", "head.weight", "head.bias"), List.of("output")));
        return OnnxModels.save(OnnxModels.model(g, fusedNorm ? 17 : 13),
                dir.resolve("convnext_block" + (fusedNorm ? "17" : "13") + ".onnx"));
    }

    /** LayerNorm of "nhwc" into "ln": one node, or PyTorch's opset-13 decomposition. */
    private static List<NodeProto> norm(GraphProto.Builder g, boolean fused) {
        String p = "/block/block.2/";
        if (fused) {
            return List.of(node("LayerNormalization", p + "LayerNormalization",
                    List.of("nhwc", "block.2.weight", "block.2.bias"), List.of("ln"), integer("axis", -1),
                    real("epsilon", 1e-6f)));
        }
        g.addInitializer(scalar("two", 2f)).addInitializer(scalar("eps", 1e-6f));
        List<NodeProto> nodes = new ArrayList<>();
        nodes.add(node("ReduceMean", p + "ReduceMean", List.of("nhwc"), List.of("mean"), ints("axes", -1)));
        nodes.add(node("Sub", p + "Sub", List.of("nhwc", "mean"), List.of("centered")));
        nodes.add(node("Pow", p + "Pow", List.of("centered", "two"), List.of("sq")));
        nodes.add(node("ReduceMean", p + "ReduceMean_1", List.of("sq"), List.of("var"), ints("axes", -1)));
        nodes.add(node("Add", p + "Add", List.of("var", "eps"), List.of("vareps")));
        nodes.add(node("Sqrt", p + "Sqrt", List.of("vareps"), List.of("std")));
        nodes.add(node("Div", p + "Div", List.of("centered", "std"), List.of("normed")));
        nodes.add(node("Mul", p + "Mul", List.of("normed", "block.2.weight"), List.of("scaledn")));
        nodes.add(node("Add", p + "Add_1", List.of("scaledn", "block.2.bias"), List.of("ln")));
        return nodes;
    }

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void channelsLastNormAndLayerScaleCarryTheBlocksChannels(boolean fusedNorm) throws Exception {
        Path model = block(fusedNorm);
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.node("block.2").op().name()).isEqualTo("layer_norm");
            assertThat(g.node("layer_scale").op().name()).isEqualTo("parameter");
            assertThat(g.nodes()).extracting(n -> n.op().name()).doesNotContain("onnx_constant", "onnx_opaque");
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            assertThat(Ort.maxAbsDiff(new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray(),
                    Ort.run(model, "input", x))).isLessThan(1e-4f);
            long before = OpCounter.count(g).params();

            OnnxParityTest.prune(g, "head");

            assertThat(g.node("stem").parameter("weight").shape()).isEqualTo(new Shape(C / 2, 3, 1, 1));
            assertThat(g.node("block.0").parameter("weight").shape()).isEqualTo(new Shape(C / 2, 1, 7, 7));
            assertThat(g.node("block.2").parameter("weight").shape()).isEqualTo(new Shape(C / 2));
            assertThat(g.node("layer_scale").parameter("").shape()).isEqualTo(new Shape(C / 2, 1, 1));
            assertThat(g.node("block.3").parameter("weight").shape()).isEqualTo(new Shape(2 * C, C / 2));
            assertThat(g.node("block.5").parameter("weight").shape()).isEqualTo(new Shape(C / 2, 2 * C));
            assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(4, C / 2, 1, 1));
            // stem 12 + 4, dw 196 + 4, norm 8, fc1 64 + 16, fc2 64 + 4, scale 4, head 16 + 4
            assertThat(OpCounter.count(g).params()).isEqualTo(396).isLessThan(before);

            Path written = dir.resolve("pruned.onnx");
            new OnnxFormat().write(g, written);
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            assertThat(Ort.maxAbsDiff(Ort.run(written, "input", x), djl)).isLessThan(1e-4f);
        }
    }

    @Test
    void theLayerScaleIsWrittenUnderItsOwnName() throws Exception {
        try (Graph g = OnnxFixtures.read(block(true))) {
            Path written = dir.resolve("unpruned.onnx");
            new OnnxFormat().write(g, written);
            try (Graph again = OnnxFixtures.read(written)) {
                assertThat(again.node("layer_scale").op().name()).isEqualTo("parameter");
                assertThat(again.parameters()).containsKey("layer_scale");
            }
        }
    }
}
