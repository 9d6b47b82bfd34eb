package ai.bonsai.yolo.detect;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns YOLOv8's decoded output {@code (N, 4 + nc, anchors)} (centre x, centre y, width, height
 * in input pixels, then class scores) into detections: per anchor the best class above the
 * confidence threshold, then class-aware non-maximum suppression (a box is dropped when it
 * overlaps a higher-scoring box of its class by more than the IoU threshold), at most {@code
 * maxDetections}, highest score first. Ultralytics' defaults for prediction: confidence 0.25,
 * IoU 0.7, 300 detections.
 *
 * @param confidence the minimum class score
 * @param iou the IoU above which a lower-scoring box of the same class is suppressed
 * @param maxDetections the most detections returned
 */
public record DetectionDecoder(double confidence, double iou, int maxDetections) {

    /** Ultralytics' prediction defaults. */
    public static final DetectionDecoder DEFAULT = new DetectionDecoder(0.25, 0.7, 300);

    /**
     * Validates the thresholds.
     *
     * @throws IllegalArgumentException if a threshold is outside [0, 1] or the limit below 1
     */
    public DetectionDecoder {
        if (confidence < 0 || confidence > 1 || iou < 0 || iou > 1 || maxDetections < 1) {
            throw new IllegalArgumentException("confidence and iou must lie in [0, 1] and"
                    + " maxDetections be positive, found " + confidence + ", " + iou + ", "
                    + maxDetections);
        }
    }

    /**
     * Decodes one image of a batch.
     *
     * @param output the model output {@code (N, 4 + nc, anchors)}
     * @param image the batch index
     * @return the detections in input pixels, highest score first
     * @throws IllegalArgumentException if the output is not {@code (N, 4 + nc, anchors)}
     */
    public List<Detection> decode(NDArray output, int image) {
        long[] shape = output.getShape().getShape();
        if (shape.length != 3 || shape[1] < 5 || image < 0 || image >= shape[0]) {
            throw new IllegalArgumentException("expected an output (N, 4 + nc, anchors) and an"
                    + " image below N, found " + output.getShape() + " and image " + image);
        }
        int rows = (int) shape[1];
        int anchors = (int) shape[2];
        float[] v = output.get(image).toFloatArray();
        List<Detection> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            int best = 4;
            for (int r = 5; r < rows; r++) {
                if (v[r * anchors + a] > v[best * anchors + a]) {
                    best = r;
                }
            }
            double score = v[best * anchors + a];
            if (score >= confidence) {
                candidates.add(new Detection(Box.ofCentre(v[a], v[anchors + a], v[2 * anchors + a],
                        v[3 * anchors + a]), best - 4, score));
            }
        }
        return suppress(candidates);
    }

    private List<Detection> suppress(List<Detection> candidates) {
        candidates.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : candidates) {
            if (kept.size() == maxDetections) {
                break;
            }
            boolean overlaps = kept.stream().anyMatch(k -> k.classId() == d.classId()
                    && k.box().iou(d.box()) > iou);
            if (!overlaps) {
                kept.add(d);
            }
        }
        return kept;
    }
}
