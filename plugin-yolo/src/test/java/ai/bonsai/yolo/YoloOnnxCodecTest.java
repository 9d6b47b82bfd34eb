package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graph of the {@code yolo} format (holding {@code yolo.dfl} and {@code yolo.decode}) exports
 * to ONNX through {@link YoloOnnxCodec}: the original file runs in ONNX Runtime to PyTorch's
 * {@code output0}, and the 50 % pruned one to Bonsai's DJL execution of the pruned graph.
 */
class YoloOnnxCodecTest {

    @TempDir
    Path dir;

    @Test
    void stateDictGraphRunsInOnnxRuntimeBeforeAndAfterPruning() throws Exception {
        PluginHost host = PluginHost.classpathOnly();
        Path original = dir.resolve("original.onnx");
        Path pruned = dir.resolve("pruned.onnx");
        try (Graph g = new YoloFormat().read(YoloFixture.file("yolov8t.safetensors"),
                host.newGraphBuilder("yolov8t", 0)); NDManager m = NDManager.newBaseManager()) {
            NDArray images = YoloFixture.images(m);
            host.formatFor(original).write(g, original);
            NDArray ort = Ort.run(original, "images", images, m);
            NDArray expected = YoloFixture.output0(m);
            assertThat(ort.getShape()).isEqualTo(new Shape(1, 12, 525));
            assertThat(YoloFixture.boxDiff(ort, expected)).isLessThan(YoloFixture.BOX_TOLERANCE);
            assertThat(YoloFixture.scoreDiff(ort, expected)).isLessThan(YoloFixture.SCORE_TOLERANCE);

            new MetaPruner().start(g, YoloPruning.defaults(new MagnitudeImportance())
                    .optRatio(0.5).build()).step();
            host.formatFor(pruned).write(g, pruned);
            NDArray djl = new GraphExecutor(g).forward(new NDList(images)).head();
            NDArray prunedOrt = Ort.run(pruned, "images", images, m);
            assertThat(prunedOrt.getShape()).isEqualTo(new Shape(1, 12, 525));
            assertThat(YoloFixture.boxDiff(prunedOrt, djl)).isLessThan(1e-4f);
            assertThat(YoloFixture.scoreDiff(prunedOrt, djl)).isLessThan(1e-5f);
        }
    }
}
