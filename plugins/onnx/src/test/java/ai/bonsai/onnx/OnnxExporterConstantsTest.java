package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.testing.Resources;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models as PyTorch's exporter writes them, with shape checks and constant sub-graphs on constant
 * shapes (Expand, Transpose, Equal, Where, Range, ConstantOfShape, Cast): the importer folds them
 * away, and the models run on DJL, and as written back in ONNX Runtime, to PyTorch's own outputs.
 */
class OnnxExporterConstantsTest {

    @TempDir
    Path dir;

    private static NDArray tensor(String file, String name, NDManager m) {
        return Safetensors.read(Resources.path(file), m).get(name);
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void yolov8sAnchorSubGraphFoldsAndTheDetectorRunsLikePyTorch() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                Graph g = OnnxFixtures.read(Resources.path("fixtures/yolov8t/yolov8t.onnx"))) {
            NDArray images = tensor("fixtures/yolov8t/images.safetensors", "images", m);
            NDArray expected = tensor("fixtures/yolov8t/output0.safetensors", "output0", m);
            assertThat(g.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEmpty();
            NDArray out = new GraphExecutor(g).forward(new NDList(images)).head();
            assertMatchesDetections(out, expected);

            Path written = dir.resolve("yolov8t.onnx");
            new OnnxFormat().write(g, written);
            float[] ort = Ort.run(written, "images", images);
            assertMatchesDetections(m.create(ort, expected.getShape()), expected);
        }
    }

    private static void assertMatchesDetections(NDArray out, NDArray expected) {
        assertThat(out.getShape()).isEqualTo(expected.getShape());
        float boxes = maxAbsDiff(out.get(new NDIndex(":, :4")), expected.get(new NDIndex(":, :4")));
        float scores = maxAbsDiff(out.get(new NDIndex(":, 4:")), expected.get(new NDIndex(":, 4:")));
        System.out.printf("yolov8t: box coordinates %.3g px, class scores %.3g%n", boxes, scores);
        assertThat(boxes).as("box coordinates (pixels)").isLessThan(1e-3f);
        assertThat(scores).as("class scores").isLessThan(1e-4f);
    }

    @Test
    void theUNetsExporterShapeChecksFoldAndItRunsLikePyTorch() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                Graph g = OnnxFixtures.read(Resources.path("fixtures/ddpm_unet_micro/model.onnx"))) {
            NDArray sample = tensor("fixtures/ddpm_unet_micro/sample.safetensors", "sample", m);
            NDArray timestep = tensor("fixtures/ddpm_unet_micro/timestep.safetensors", "timestep", m);
            NDArray expected = tensor("fixtures/ddpm_unet_micro/out_sample.safetensors", "out_sample", m);
            assertThat(g.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEmpty();
            assertThat(g.nodes().stream().map(n -> n.op().name())).contains(OnnxSinOp.NAME, OnnxCosOp.NAME,
                    OnnxCastOp.NAME, "group_norm", "matmul", "softmax");
            NDArray out = new GraphExecutor(g).forward(new NDList(sample, timestep)).head();
            assertThat(out.getShape()).isEqualTo(expected.getShape());
            float diff = maxAbsDiff(out, expected);
            System.out.printf("ddpm_unet_micro: out_sample %.3g%n", diff);
            assertThat(diff).isLessThan(1e-4f);

            Path written = dir.resolve("unet.onnx");
            new OnnxFormat().write(g, written);
            float[] ort = Ort.run(written, java.util.Map.of("sample", sample, "timestep", timestep));
            float ortDiff = maxAbsDiff(m.create(ort, expected.getShape()), expected);
            System.out.printf("ddpm_unet_micro written, in ONNX Runtime: out_sample %.3g%n", ortDiff);
            assertThat(ortDiff).isLessThan(1e-4f);
        }
    }
}
