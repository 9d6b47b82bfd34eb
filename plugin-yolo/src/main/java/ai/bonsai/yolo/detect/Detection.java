package ai.bonsai.yolo.detect;

/**
 * One detected object.
 *
 * @param box where, in pixels of the image the model saw or of the original image
 * @param classId the class index
 * @param score the class score in [0, 1]
 */
public record Detection(Box box, int classId, double score) {

    /**
     * Returns the same detection with another box.
     *
     * @param newBox the box
     * @return the detection
     */
    public Detection withBox(Box newBox) {
        return new Detection(newBox, classId, score);
    }
}
