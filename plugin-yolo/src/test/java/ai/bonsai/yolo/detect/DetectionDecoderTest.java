package ai.bonsai.yolo.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding and class-aware NMS on a hand-made output, letterbox geometry, and matching. */
class DetectionDecoderTest {

    @Test
    void keepsTheBestClassPerAnchorAndSuppressesOverlapsOfTheSameClass() {
        // Rows cx, cy, w, h, score0, score1; four anchors.
        float[][] rows = {
            {50, 52, 52, 100},
            {50, 50, 50, 100},
            {20, 20, 20, 10},
            {20, 20, 20, 10},
            {0.9f, 0.8f, 0.1f, 0.2f},
            {0.1f, 0.0f, 0.85f, 0.1f}};
        float[] flat = new float[6 * 4];
        for (int r = 0; r < 6; r++) {
            System.arraycopy(rows[r], 0, flat, r * 4, 4);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = m.create(flat, new Shape(1, 6, 4));
            List<Detection> d = DetectionDecoder.DEFAULT.decode(out, 0);
            // anchor 1 overlaps anchor 0 (IoU 360 / 440 = 0.82 > 0.7, same class); anchor 2 is
            // class 1; anchor 3 scores below 0.25.
            assertThat(d).containsExactly(
                    new Detection(new Box(40, 40, 60, 60), 0, 0.9f),
                    new Detection(new Box(42, 40, 62, 60), 1, 0.85f));
        }
    }

    @Test
    void letterboxCentresTheScaledImageAndMapsBoxesBack() {
        Letterbox lb = Letterbox.fit(320, 160, 160);
        assertThat(lb.scale()).isEqualTo(0.5);
        assertThat(lb.left()).isZero();
        assertThat(lb.top()).isEqualTo(40);
        assertThat(lb.unmap(new Box(0, 40, 160, 120))).isEqualTo(new Box(0, 0, 320, 160));
        assertThat(lb.unmap(new Box(-5, 0, 80, 200))).isEqualTo(new Box(0, 0, 160, 160));
    }

    @Test
    void comparisonMatchesSameClassBoxesByIou() {
        List<Detection> original = List.of(new Detection(new Box(0, 0, 10, 10), 0, 0.9),
                new Detection(new Box(20, 20, 30, 30), 1, 0.8));
        List<Detection> pruned = List.of(new Detection(new Box(0, 0, 10, 8), 0, 0.7),
                new Detection(new Box(20, 20, 30, 30), 0, 0.6));
        DetectionComparison c = DetectionComparison.compare(original, pruned, 0.5);
        assertThat(c).isEqualTo(new DetectionComparison(2, 2, 1, 0.8));
    }
}
