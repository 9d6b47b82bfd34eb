package ai.bonsai.yolo;

import java.util.Map;
import java.util.Optional;

/**
 * The multiples that size a YOLOv8 from the base layout of {@code yolov8.yaml}: layer repeats
 * scale by {@code depthMultiple} (Python's {@code round}, at least 1), channels are capped at
 * {@code maxChannels}, scaled by {@code widthMultiple} and rounded up to a multiple of 8.
 *
 * <pre>{@code
 * YoloScale n = YoloScale.named("n").orElseThrow();   // 0.33, 0.25, 1024
 * int c = n.channels(128);                             // 32
 * }</pre>
 *
 * @param depthMultiple the depth multiple
 * @param widthMultiple the width multiple
 * @param maxChannels the channel cap before the width multiple
 */
public record YoloScale(double depthMultiple, double widthMultiple, int maxChannels) {

    private static final int DIVISOR = 8;

    private static final Map<String, YoloScale> PUBLISHED = Map.of(
            "n", new YoloScale(0.33, 0.25, 1024),
            "s", new YoloScale(0.33, 0.50, 1024),
            "m", new YoloScale(0.67, 0.75, 768),
            "l", new YoloScale(1.00, 1.00, 512),
            "x", new YoloScale(1.00, 1.25, 512));

    /**
     * Validates the multiples.
     *
     * @throws IllegalArgumentException if a multiple or the cap is not positive
     */
    public YoloScale {
        if (!(depthMultiple > 0) || !(widthMultiple > 0) || maxChannels < 1) {
            throw new IllegalArgumentException("depth_multiple, width_multiple and max_channels"
                    + " must be positive, found " + depthMultiple + ", " + widthMultiple + ", "
                    + maxChannels);
        }
    }

    /**
     * Returns a published scale of {@code yolov8.yaml}.
     *
     * @param name {@code n}, {@code s}, {@code m}, {@code l} or {@code x}
     * @return the scale, empty for any other name
     */
    public static Optional<YoloScale> named(String name) {
        return Optional.ofNullable(PUBLISHED.get(name));
    }

    /**
     * Returns the channels of a layer whose base width is {@code base}.
     *
     * @param base the width in {@code yolov8.yaml}
     * @return {@code ceil(min(base, maxChannels) * widthMultiple / 8) * 8}
     */
    public int channels(int base) {
        return (int) Math.ceil(Math.min(base, maxChannels) * widthMultiple / DIVISOR) * DIVISOR;
    }

    /**
     * Returns the repeats of a layer listed with {@code base} repeats.
     *
     * @param base the repeats in {@code yolov8.yaml}
     * @return {@code max(round(base * depthMultiple), 1)} (round half to even) for {@code base >
     *     1}, else {@code base}
     */
    public int repeats(int base) {
        return base > 1 ? Math.max((int) Math.rint(base * depthMultiple), 1) : base;
    }
}
