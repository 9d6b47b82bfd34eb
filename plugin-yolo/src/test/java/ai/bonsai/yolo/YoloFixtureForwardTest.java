package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The fixture's state dict and config read through the yolo format run to PyTorch's output0. */
class YoloFixtureForwardTest {

    @Test
    void stateDictForwardEqualsPyTorch() {
        YoloFormat format = new YoloFormat();
        assertThat(format.supports(YoloFixture.file("yolov8t.safetensors"))).isTrue();
        assertThat(format.supports(YoloFixture.file("yolov8t.onnx"))).isFalse();
        try (Graph g = YoloFixture.read(); NDManager m = NDManager.newBaseManager()) {
            NDArray out = new GraphExecutor(g).forward(new NDList(YoloFixture.images(m))).head();
            NDArray expected = YoloFixture.output0(m);
            assertThat(out.getShape()).isEqualTo(new Shape(1, 12, 525));
            assertThat(YoloFixture.boxDiff(out, expected)).isLessThan(YoloFixture.BOX_TOLERANCE);
            assertThat(YoloFixture.scoreDiff(out, expected)).isLessThan(YoloFixture.SCORE_TOLERANCE);
        }
    }
}
