package ai.bonsai.api.model;

/**
 * One object an {@link ObjectDetector} found in an image: a class, a score and a box in the
 * image's pixels, corners {@code (x1, y1)} top left and {@code (x2, y2)} bottom right.
 *
 * @param classId the class index
 * @param name the class name (the index as text when the model names no classes)
 * @param score the class score in [0, 1]
 * @param x1 left
 * @param y1 top
 * @param x2 right
 * @param y2 bottom
 */
public record DetectedObject(int classId, String name, double score, double x1, double y1,
        double x2, double y2) {
}
