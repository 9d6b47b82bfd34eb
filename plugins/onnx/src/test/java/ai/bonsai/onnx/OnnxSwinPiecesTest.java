package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.real;
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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pieces of a Swin stage that need no pattern: {@code torch.roll} exported as two Slices and a
 * Concat along a spatial dimension, and patch merging (four strided Slices, Concat along the
 * channels, LayerNorm, Linear 4C → 2C) on channels-last maps. The stem's channels prune through
 * both, four times over in the merged channels.
 */
class OnnxSwinPiecesTest {

    private static final int C = 8;

    @TempDir
    Path dir;

    /** stem (3→8) → NHWC → roll by 1 along H → patch merging → reduction (32→16) → head (16→4). */
    private Path model() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 4, 4))
                .addOutput(value("output", 1, 2, 2, 4))
                .addInitializer(weight("stem.weight", 1, C, 3, 1, 1)).addInitializer(weight("stem.bias", 2, C))
                .addInitializer(OnnxModels.positive("merge.norm.weight", 3, 4 * C))
                .addInitializer(weight("merge.norm.bias", 4, 4 * C))
                .addInitializer(weight("merge.reduction.weight_t", 5, 4 * C, 2 * C))
                .addInitializer(weight("head.weight_t", 6, 2 * C, 4)).addInitializer(weight("head.bias", 7, 4))
                .addInitializer(OnnxModels.int64s("minus1", -1)).addInitializer(OnnxModels.int64s("zero", 0))
                .addInitializer(OnnxModels.int64s("one", 1))
                .addInitializer(OnnxModels.int64s("big", Long.MAX_VALUE))
                .addNode(node("Conv", "/stem/Conv", List.of("input", "stem.weight", "stem.bias"), List.of("s")))
                .addNode(node("Transpose", "/Transpose", List.of("s"), List.of("x"), ints("perm", 0, 2, 3, 1)))
                .addNode(node("Slice", "/roll/Slice", List.of("x", "minus1", "big", "one"), List.of("tail")))
                .addNode(node("Slice", "/roll/Slice_1", List.of("x", "zero", "minus1", "one"), List.of("head")))
                .addNode(node("Concat", "/roll/Concat", List.of("tail", "head"), List.of("rolled"), integer("axis", 1)));
        String[] parts = {"x0", "x1", "x2", "x3"};
        long[][] starts = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        for (int i = 0; i < 4; i++) {
            g.addInitializer(OnnxModels.int64s("start" + i, starts[i])).addInitializer(OnnxModels.int64s("end" + i, 4, 4))
                    .addNode(node("Slice", "/merge/Slice_" + i, List.of("rolled", "start" + i, "end" + i,
                            "axes12", "steps22"), List.of(parts[i])));
        }
        g.addInitializer(OnnxModels.int64s("axes12", 1, 2)).addInitializer(OnnxModels.int64s("steps22", 2, 2))
                .addNode(node("Concat", "/merge/Concat", List.of(parts), List.of("merged"), integer("axis", -1)))
                .addNode(node("LayerNormalization", "/merge/norm/LayerNormalization",
                        List.of("merged", "merge.norm.weight", "merge.norm.bias"), List.of("normed"),
                        integer("axis", -1), real("epsilon", 1e-5f)))
                .addNode(node("MatMul", "/merge/reduction/MatMul", List.of("normed", "merge.reduction.weight_t"),
                        List.of("reduced")))
                .addNode(node("MatMul", "/head/MatMul", List.of("reduced", "head.weight_t"), List.of("h")))
                .addNode(node("Add", "/head/Add", List.of("h", "head.bias"), List.of("output")));
        return OnnxModels.save(OnnxModels.model(g, 17), dir.resolve("swin_pieces.onnx"));
    }

    @Test
    void rollAndPatchMergingCarryTheStemsChannels() throws Exception {
        Path model = model();
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).doesNotContain("onnx_opaque", "onnx_constant");
            NDArray x = m.randomNormal(new Shape(1, 3, 4, 4));
            assertThat(Ort.maxAbsDiff(new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray(),
                    Ort.run(model, "input", x))).isLessThan(1e-4f);

            OnnxParityTest.prune(g, "head");

            assertThat(g.node("stem").parameter("weight").shape()).isEqualTo(new Shape(C / 2, 3, 1, 1));
            assertThat(g.node("merge.norm").parameter("weight").shape()).isEqualTo(new Shape(2 * C));
            assertThat(g.node("merge.reduction").parameter("weight").shape()).isEqualTo(new Shape(C, 2 * C));
            assertThat(g.node("head").parameter("weight").shape()).isEqualTo(new Shape(4, C));
            Path written = dir.resolve("pruned.onnx");
            new OnnxFormat().write(g, written);
            assertThat(Ort.maxAbsDiff(Ort.run(written, "input", x),
                    new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray())).isLessThan(1e-4f);
        }
    }
}
