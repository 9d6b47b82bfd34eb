package ai.bonsai.diffusion;

import ai.bonsai.api.model.AtomicFile;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes a batch of RGB images in [−1, 1] (a diffusion model's samples) as one PNG grid, row by
 * row, {@code columns} images wide; pixel values are {@code round((x + 1) / 2 · 255)} clipped to
 * [0, 255]. The file is written atomically.
 *
 * <pre>{@code
 * ImageGrid.write(samples, 4, Path.of("grid.png"));
 * }</pre>
 */
public final class ImageGrid {

    private ImageGrid() {
    }

    /**
     * Writes the grid.
     *
     * @param images [N, 3, H, W] in [−1, 1]
     * @param columns images per row (at least 1)
     * @param file the PNG file
     * @throws IllegalArgumentException if the images are not an RGB batch or columns is below 1
     * @throws ai.bonsai.api.model.ModelFormatException naming the file if writing fails
     */
    public static void write(NDArray images, int columns, Path file) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3 || columns < 1) {
            throw new IllegalArgumentException("need an RGB batch [N, 3, H, W] and columns >= 1, found "
                    + s + " and " + columns);
        }
        int n = Math.toIntExact(s.get(0));
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        int rows = (n + columns - 1) / columns;
        float[] v = images.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        BufferedImage grid = new BufferedImage(Math.min(n, columns) * w, rows * h, BufferedImage.TYPE_INT_RGB);
        for (int k = 0; k < n; k++) {
            int x0 = (k % columns) * w;
            int y0 = (k / columns) * h;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        rgb = (rgb << 8) | toByte(v[((k * 3 + c) * h + y) * w + x]);
                    }
                    grid.setRGB(x0 + x, y0 + y, rgb);
                }
            }
        }
        AtomicFile.write(file, "PNG file", tmp -> {
            if (!ImageIO.write(grid, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        });
    }

    private static int toByte(float value) {
        return (int) Math.max(0, Math.min(255, Math.round((value + 1) / 2 * 255)));
    }
}
