package ai.bonsai.yolo;

import java.util.List;

/**
 * Everything that fixes a YOLOv8 detection graph: its scale, class count, image size, DFL bins,
 * strides, and the widths pruning left (if any).
 *
 * @param scale the scale's name ({@code n}, ..., or a custom name such as {@code t})
 * @param multiples depth and width multiples and the channel cap
 * @param nc the number of classes
 * @param imgsz the square input size in pixels
 * @param regMax the DFL bins per box side ({@code reg_max}, 16)
 * @param strides the strides of the three detection levels (8, 16, 32)
 * @param widths the per-layer widths of a pruned model ({@link LayerWidths#NONE} if unpruned)
 */
public record YoloConfig(
        String scale,
        YoloScale multiples,
        int nc,
        int imgsz,
        int regMax,
        List<Integer> strides,
        LayerWidths widths) {

    /** The DFL bins of every YOLOv8. */
    public static final int REG_MAX = 16;

    /** The strides of YOLOv8's detection levels P3, P4 and P5. */
    public static final List<Integer> STRIDES = List.of(8, 16, 32);

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException if a count is not positive or there are not three strides
     */
    public YoloConfig {
        strides = List.copyOf(strides);
        if (nc < 1 || imgsz < 1 || regMax < 1) {
            throw new IllegalArgumentException("nc, imgsz and reg_max must be positive, found "
                    + nc + ", " + imgsz + ", " + regMax);
        }
        if (strides.size() != STRIDES.size()) {
            throw new IllegalArgumentException("YOLOv8 detects on three levels, found strides "
                    + strides);
        }
    }

    /**
     * Returns an unpruned model of a scale with the standard head.
     *
     * @param scale the scale's name
     * @param multiples its multiples
     * @param nc the number of classes
     * @param imgsz the input size
     * @return the config
     */
    public static YoloConfig of(String scale, YoloScale multiples, int nc, int imgsz) {
        return new YoloConfig(scale, multiples, nc, imgsz, REG_MAX, STRIDES, LayerWidths.NONE);
    }

    /**
     * Returns the same model with other per-layer widths.
     *
     * @param newWidths the widths
     * @return the config
     */
    public YoloConfig withWidths(LayerWidths newWidths) {
        return new YoloConfig(scale, multiples, nc, imgsz, regMax, strides, newWidths);
    }
}
