package ai.bonsai.yolo.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Ultralytics' letterbox: an image scaled to fit a square input without changing its aspect
 * ratio, centred, the border filled with grey 114; and the way back from the model's pixels to
 * the image's.
 *
 * <pre>{@code
 * Letterbox lb = Letterbox.fit(image.getWidth(), image.getHeight(), 640);
 * NDArray input = lb.toInput(image, manager);      // (1, 3, 640, 640), RGB in [0, 1]
 * Box inImage = lb.unmap(boxInInput);
 * }</pre>
 *
 * @param size the square input size
 * @param width the image width
 * @param height the image height
 * @param scale the scale from image to input
 * @param left the left padding in input pixels
 * @param top the top padding in input pixels
 */
public record Letterbox(int size, int width, int height, double scale, int left, int top) {

    private static final int PAD = 114;

    /**
     * Computes the letterbox of an image: {@code r = min(size / w, size / h)}, the scaled image
     * {@code round(w r) x round(h r)}, padding split evenly (Ultralytics' rounding).
     *
     * @param width the image width
     * @param height the image height
     * @param size the input size
     * @return the letterbox
     */
    public static Letterbox fit(int width, int height, int size) {
        double r = Math.min((double) size / width, (double) size / height);
        double dw = (size - Math.round(width * r)) / 2.0;
        double dh = (size - Math.round(height * r)) / 2.0;
        return new Letterbox(size, width, height, r, (int) Math.round(dw - 0.1),
                (int) Math.round(dh - 0.1));
    }

    /**
     * Draws the image into the letterbox (bilinear scaling).
     *
     * @param image the image
     * @return a {@code size x size} RGB image
     */
    public BufferedImage apply(BufferedImage image) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(PAD, PAD, PAD));
            g.fillRect(0, 0, size, size);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, left, top, (int) Math.round(width * scale),
                    (int) Math.round(height * scale), null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Returns the model input of an image: letterboxed, RGB, scaled to [0, 1], {@code (1, 3,
     * size, size)}.
     *
     * @param image the image
     * @param manager the manager of the array
     * @return the input
     */
    public NDArray toInput(BufferedImage image, NDManager manager) {
        BufferedImage boxed = apply(image);
        int plane = size * size;
        float[] data = new float[3 * plane];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = boxed.getRGB(x, y);
                int i = y * size + x;
                data[i] = ((rgb >> 16) & 0xff) / 255f;
                data[plane + i] = ((rgb >> 8) & 0xff) / 255f;
                data[2 * plane + i] = (rgb & 0xff) / 255f;
            }
        }
        return manager.create(data, new Shape(1, 3, size, size));
    }

    /**
     * Maps a box from input pixels back to image pixels, clipped to the image.
     *
     * @param box the box in the model's input
     * @return the box in the image
     */
    public Box unmap(Box box) {
        return new Box((box.x1() - left) / scale, (box.y1() - top) / scale,
                (box.x2() - left) / scale, (box.y2() - top) / scale).clip(width, height);
    }
}
