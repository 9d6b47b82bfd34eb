package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.onnx.OnnxFormat;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixture's ONNX exports (BatchNorm kept, and folded into the convs as exporters ship it)
 * through the generic ONNX plugin: the import runs to PyTorch's output0, 50 % local L2 pruning
 * with YOLOv8's defaults runs end to end, and the pruned export runs in ONNX Runtime with output
 * {@code [1, 12, 525]} equal to Bonsai's DJL execution.
 *
 * <p>The importer does not yet fold the anchor sub-graph ({@code Expand} and {@code Transpose} of
 * constants, see {@link AnchorFolding}), so the files are given that folding first.
 */
class YoloOnnxTest {

    private static final int[] GRID = {20, 20, 10, 10, 5, 5};

    @TempDir
    Path dir;

    /**
     * Imports, prunes and exports one file. The BN-kept export holds the state dict's weights,
     * so it prunes to exactly the shapes the adapter's graph prunes to; the fused one scores
     * folded weights and keeps other channels.
     */
    @ParameterizedTest
    @CsvSource({"yolov8t.onnx, true", "yolov8t_fused.onnx, false"})
    void importsPrunesAndExportsToOnnxRuntime(String file, boolean sameWeights) throws Exception {
        Path folded = AnchorFolding.fold(YoloFixture.file(file), dir.resolve("folded.onnx"), GRID);
        Path pruned = dir.resolve("pruned.onnx");
        try (Graph g = new OnnxFormat().read(folded, PluginHost.classpathOnly().newGraphBuilder(file, 0));
             NDManager m = NDManager.newBaseManager()) {
            NDArray images = YoloFixture.images(m);
            NDArray out = new GraphExecutor(g).forward(new NDList(images)).head();
            NDArray expected = YoloFixture.output0(m);
            assertThat(YoloFixture.boxDiff(out, expected)).isLessThan(YoloFixture.BOX_TOLERANCE);
            assertThat(YoloFixture.scoreDiff(out, expected)).isLessThan(YoloFixture.SCORE_TOLERANCE);

            assertThat(YoloPruning.appliesTo(g)).isTrue();
            long before = OpCounter.count(g).params();
            new MetaPruner().start(g, YoloPruning.defaults(new MagnitudeImportance())
                    .optRatio(0.5).build()).step();
            System.out.printf("%s 50%% L2 local: params %d -> %d%n", file, before,
                    OpCounter.count(g).params());
            assertThat(OpCounter.count(g).params()).isLessThan(before * 6 / 10);
            for (Node n : g.nodes()) {
                if ("conv2d".equals(n.op().name()) && !n.name().startsWith("model.22.dfl")) {
                    assertThat(n.parameter("weight").shape().get(0) % 8).as(n.name()).isZero();
                }
            }
            assertThat(g.parameters().get("model.22.dfl.conv.weight").shape())
                    .isEqualTo(new Shape(1, 16, 1, 1));
            if (sameWeights) {
                assertSameShapesAsStateDictPath(g);
            }

            new OnnxFormat().write(g, pruned);
            NDArray djl = new GraphExecutor(g).forward(new NDList(images)).head();
            NDArray ort = Ort.run(pruned, "images", images, m);
            assertThat(ort.getShape()).isEqualTo(new Shape(1, 12, 525));
            assertThat(Ort.names(pruned)).containsExactly("images", "output0");
            System.out.printf("%s pruned: ORT vs DJL boxes %.3g, scores %.3g%n", file,
                    YoloFixture.boxDiff(ort, djl), YoloFixture.scoreDiff(ort, djl));
            assertThat(ort.sub(djl).abs().max().getFloat()).isLessThan(1e-4f);
        }
    }

    /** Prunes the state dict's graph alike and compares every convolution's shape. */
    private static void assertSameShapesAsStateDictPath(Graph g) {
        try (Graph stateDict = YoloFixture.read()) {
            YoloPruningTest.prune(stateDict, 0.5);
            assertThat(OpCounter.count(g).params()).isEqualTo(OpCounter.count(stateDict).params());
            stateDict.parameters().forEach((name, p) -> {
                if (name.endsWith(".conv.weight")) {
                    assertThat(g.parameters().get(name).shape()).as(name).isEqualTo(p.shape());
                }
            });
        }
    }
}
