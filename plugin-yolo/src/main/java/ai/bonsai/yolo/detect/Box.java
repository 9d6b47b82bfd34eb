package ai.bonsai.yolo.detect;

/**
 * An axis-aligned box in pixels, corners {@code (x1, y1)} top left and {@code (x2, y2)} bottom
 * right.
 *
 * @param x1 left
 * @param y1 top
 * @param x2 right
 * @param y2 bottom
 */
public record Box(double x1, double y1, double x2, double y2) {

    /**
     * Returns the box of a centre and a size.
     *
     * @param cx centre x
     * @param cy centre y
     * @param w width
     * @param h height
     * @return the box
     */
    public static Box ofCentre(double cx, double cy, double w, double h) {
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /**
     * Returns the area (0 for an empty box).
     *
     * @return the area
     */
    public double area() {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    /**
     * Returns the intersection over union with another box.
     *
     * @param o the other box
     * @return the IoU in [0, 1]
     */
    public double iou(Box o) {
        double inter = new Box(Math.max(x1, o.x1), Math.max(y1, o.y1), Math.min(x2, o.x2),
                Math.min(y2, o.y2)).area();
        double union = area() + o.area() - inter;
        return union > 0 ? inter / union : 0;
    }

    /**
     * Clips the box to an image.
     *
     * @param width the image width
     * @param height the image height
     * @return the clipped box
     */
    public Box clip(double width, double height) {
        return new Box(clamp(x1, width), clamp(y1, height), clamp(x2, width), clamp(y2, height));
    }

    private static double clamp(double v, double max) {
        return Math.min(Math.max(v, 0), max);
    }
}
