package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.floats;
import static ai.bonsai.onnx.OnnxModels.int64s;
import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
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
 * Mod (both sign conventions, integer and float, on a traced shape as windowed attention pads
 * with it), ScatterND slice assignments and Where with scalar branches (masked_fill) on constants
 * fold at import: nothing of them is left in the graph, and the folded values are the ones ONNX
 * defines and ONNX Runtime computes.
 */
class OnnxModScatterFoldingTest {

    @TempDir
    Path dir;

    @Test
    void modAndScatterNdOnConstantsFoldToTheValuesOnnxRuntimeComputes() throws Exception {
        Path source = OnnxModels.save(OnnxModels.model(modScatterGraph(), 13), dir.resolve("fold.onnx"));
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEmpty();
            assertThat(g.nodes()).as("only the two additions and their folded constants are left")
                    .extracting(n -> n.op().name()).containsExactly("onnx_constant", "add", "onnx_constant", "add");
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 2, 8));
            NDArray out = new GraphExecutor(g).forward(new NDList(x)).head();
            float[] added = out.sub(x).toFloatArray();
            // 2 * scatter + concat(Python mod, C fmod), with the pad (5 - 8 % 5) % 5 = 2 as the factor
            float[] expected = {2, -5, -1, 1, -1, 1, -1, 1, 3, 0, 2, 5, 4, 4, 6, 9};
            assertThat(Ort.maxAbsDiff(added, expected)).isLessThan(1e-6f);
            assertThat(Ort.maxAbsDiff(out.toFloatArray(), Ort.run(source, "input", x))).isLessThan(1e-6f);
            Path written = dir.resolve("written.onnx");
            new OnnxFormat().write(g, written);
            assertThat(Ort.maxAbsDiff(out.toFloatArray(), Ort.run(written, "input", x))).isLessThan(1e-6f);
        }
    }

    @Test
    void whereBroadcastsScalarBranchesAsMaskedFillIsExported() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("where").addInput(value("input", 1, 2, 2))
                .addInitializer(floats("regions", new long[] {2, 2}, 0f, 3f, -1f, 0f))
                .addInitializer(floats("f0", new long[0], 0f)).addInitializer(floats("f100", new long[0], -100f))
                .addNode(node("Equal", "/Equal", List.of("regions", "f0"), List.of("same")))
                .addNode(node("Not", "/Not", List.of("same"), List.of("differ")))
                .addNode(node("Where", "/Where", List.of("differ", "f100", "f0"), List.of("mask")))
                .addNode(node("Add", "/Add", List.of("input", "mask"), List.of("output")))
                .addOutput(value("output", 1, 2, 2));
        Path source = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("where.onnx"));
        try (Graph graph = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            assertThat(graph.nodes()).extracting(n -> n.op().name()).containsExactly("onnx_constant", "add");
            NDArray x = m.zeros(new Shape(1, 2, 2));
            float[] out = new GraphExecutor(graph).forward(new NDList(x)).head().toFloatArray();
            assertThat(out).containsExactly(0f, -100f, -100f, 0f);
            assertThat(Ort.maxAbsDiff(out, Ort.run(source, "input", x))).isZero();
        }
    }

    @Test
    void scatterNdOutOfRangeAndIntegerModByZeroAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray data = m.zeros(new Shape(2, 3));
            assertThatThrownBy(() -> ConstantKernels.scatterNd(data, m.create(new long[] {2}, new Shape(1, 1)),
                    m.ones(new Shape(1, 3)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("index 2 out of range on axis 0");
            assertThatThrownBy(() -> ConstantKernels.scatterNd(data, m.create(new long[] {1}, new Shape(1, 1)),
                    m.ones(new Shape(1, 2)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("do not fit 1 slices of 3 elements");
            assertThat(ConstantKernels.scatterNd(data, m.create(new long[] {-1, 0}, new Shape(1, 2)),
                    m.create(new float[] {7})).toFloatArray()).containsExactly(0, 0, 0, 7, 0, 0);
            assertThatThrownBy(() -> ConstantKernels.mod(m.create(new long[] {5}), m.create(new long[] {0}), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("division by zero");
        }
    }

    private static GraphProto.Builder modScatterGraph() {
        TensorProto pairs = int64s("pairs", 0, 1, 1, 5).toBuilder().clearDims().addDims(2).addDims(2).build();
        TensorProto row = int64s("row", 1).toBuilder().clearDims().addDims(1).addDims(1).build();
        return GraphProto.newBuilder().setName("mod_scatter").addInput(value("input", 1, 2, 8))
                .addInitializer(int64s("two", 2)).addInitializer(int64s("five", 5))
                .addInitializer(int64s("a", -7, 7, -7, 7)).addInitializer(int64s("b", 3, -3, -3, 3))
                .addInitializer(floats("fa", new long[] {2}, -7.5f, 7.5f))
                .addInitializer(floats("fb", new long[] {2}, 2f, -2f))
                .addInitializer(int64s("size", 2, 8)).addInitializer(pairs).addInitializer(row)
                .addInitializer(floats("row_values", new long[] {1, 8}, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f, 3.5f, 4f))
                .addNode(node("Shape", "/Shape", List.of("input"), List.of("shape")))
                .addNode(node("Gather", "/Gather", List.of("shape", "two"), List.of("w")))
                .addNode(node("Mod", "/Mod", List.of("w", "five"), List.of("w_mod")))
                .addNode(node("Sub", "/Sub", List.of("five", "w_mod"), List.of("short")))
                .addNode(node("Mod", "/Mod_1", List.of("short", "five"), List.of("pad_r")))
                .addNode(node("Cast", "/Cast", List.of("pad_r"), List.of("pad_f"), integer("to", 1)))
                .addNode(node("Mod", "/Mod_py", List.of("a", "b"), List.of("py")))
                .addNode(node("Mod", "/Mod_c", List.of("a", "b"), List.of("c"), integer("fmod", 1)))
                .addNode(node("Concat", "/Concat", List.of("py", "c"), List.of("mods"), integer("axis", 0)))
                .addNode(node("Cast", "/Cast_1", List.of("mods"), List.of("mods_f"), integer("to", 1)))
                .addNode(node("Mod", "/Mod_f", List.of("fa", "fb"), List.of("fmods"), integer("fmod", 1)))
                .addNode(node("ConstantOfShape", "/ConstantOfShape", List.of("size"), List.of("zeros")))
                .addNode(node("ScatterND", "/ScatterND", List.of("zeros", "row", "row_values"), List.of("rows")))
                .addNode(node("ScatterND", "/ScatterND_1", List.of("rows", "pairs", "fmods"), List.of("mask")))
                .addNode(node("Mul", "/Mul", List.of("mask", "pad_f"), List.of("scaled")))
                .addNode(node("Add", "/Add", List.of("input", "scaled"), List.of("sum")))
                .addNode(node("Add", "/Add_1", List.of("sum", "mods_f"), List.of("output")))
                .addOutput(value("output", 1, 2, 8));
    }
}
