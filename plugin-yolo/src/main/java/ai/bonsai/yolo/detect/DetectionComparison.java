package ai.bonsai.yolo.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * How far a pruned model's detections agree with the original's on the same image: each
 * original detection is matched greedily (highest score first) to the unmatched pruned
 * detection of the same class with the highest IoU, if that IoU reaches the threshold.
 *
 * @param original the original model's detection count
 * @param pruned the pruned model's detection count
 * @param matched the matched pairs
 * @param meanIou the mean IoU of the matched pairs (0 if none)
 */
public record DetectionComparison(int original, int pruned, int matched, double meanIou) {

    /**
     * Compares two lists of detections.
     *
     * @param original the original model's detections
     * @param pruned the pruned model's detections
     * @param iouThreshold the IoU a match needs
     * @return the comparison
     */
    public static DetectionComparison compare(List<Detection> original, List<Detection> pruned,
            double iouThreshold) {
        List<Detection> free = new ArrayList<>(pruned);
        List<Detection> sorted = new ArrayList<>(original);
        sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
        int matched = 0;
        double iouSum = 0;
        for (Detection d : sorted) {
            Detection best = null;
            double bestIou = iouThreshold;
            for (Detection p : free) {
                double iou = d.box().iou(p.box());
                if (p.classId() == d.classId() && iou >= bestIou) {
                    best = p;
                    bestIou = iou;
                }
            }
            if (best != null) {
                free.remove(best);
                matched++;
                iouSum += bestIou;
            }
        }
        return new DetectionComparison(original.size(), pruned.size(), matched,
                matched == 0 ? 0 : iouSum / matched);
    }
}
