package ai.bonsai.examples;

import ai.bonsai.api.ConfigException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Grey-scale images with one class label each, as read from IDX files.
 *
 * @param pixels {@code count × height × width} unsigned bytes, row-major
 * @param labels one class index per image
 * @param height the image height
 * @param width the image width
 */
public record LabeledImages(byte[] pixels, byte[] labels, int height, int width) {

    /** Fashion-MNIST's mean pixel value (on a 0–1 scale), subtracted before training. */
    static final float MEAN = 0.2860f;
    /** Fashion-MNIST's pixel standard deviation (on a 0–1 scale), divided out before training. */
    static final float STD = 0.3530f;

    /**
     * Checks that there is one label per image.
     *
     * @throws IllegalArgumentException otherwise
     */
    public LabeledImages {
        if (pixels.length != (long) labels.length * height * width) {
            throw new IllegalArgumentException(pixels.length + " pixels are not " + labels.length
                    + " images of " + height + "×" + width);
        }
    }

    /**
     * Pairs an image file with its label file.
     *
     * @param images the images, {@code [count, height, width]}
     * @param labels the labels, {@code [count]}
     * @param what the pair's name for messages ({@code train})
     * @return the labelled images
     * @throws ConfigException naming the pair if the files disagree
     */
    static LabeledImages of(IdxFile images, IdxFile labels, String what) {
        if (images.dims().length != 3 || labels.dims().length != 1
                || images.count() != labels.count()) {
            throw new ConfigException(what, "images " + Arrays.toString(images.dims())
                    + " and labels " + Arrays.toString(labels.dims())
                    + " do not match: expected [n, height, width] and [n]");
        }
        return new LabeledImages(images.data(), labels.data(), images.dims()[1],
                images.dims()[2]);
    }

    /**
     * Returns the number of images.
     *
     * @return the count
     */
    public int count() {
        return labels.length;
    }

    /**
     * Returns the first images, or all of them if there are fewer.
     *
     * @param n how many to keep
     * @return the first {@code min(n, count)} images
     */
    public LabeledImages first(int n) {
        int k = Math.min(n, count());
        return new LabeledImages(Arrays.copyOf(pixels, k * height * width),
                Arrays.copyOf(labels, k), height, width);
    }

    /**
     * Returns the images as a normalized {@code [count, 1, height, width]} float array.
     *
     * @param manager the manager that owns the array
     * @return the images, {@code (pixel / 255 - MEAN) / STD}
     */
    public NDArray images(NDManager manager) {
        float[] values = new float[pixels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (Byte.toUnsignedInt(pixels[i]) / 255f - MEAN) / STD;
        }
        return manager.create(values, new Shape(count(), 1, height, width));
    }

    /**
     * Returns the labels as a {@code [count]} float array (DJL's sparse-label convention).
     *
     * @param manager the manager that owns the array
     * @return the class indices
     */
    public NDArray labels(NDManager manager) {
        float[] values = new float[labels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Byte.toUnsignedInt(labels[i]);
        }
        return manager.create(values);
    }
}
