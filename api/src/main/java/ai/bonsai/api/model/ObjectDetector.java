package ai.bonsai.api.model;

import ai.bonsai.api.graph.Graph;
import ai.djl.ndarray.NDList;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.pf4j.ExtensionPoint;

/**
 * An object-detection task a family plugin offers for its models (YOLO: letterbox, decode, NMS),
 * so that a host application such as {@code bonsai detect} detects objects without compiling
 * against the plugin. The caller runs the graph (the forward function it passes in); the detector
 * prepares the input from the image, reads the output back into boxes in the image's pixels, and
 * draws or lists them.
 *
 * <pre>{@code
 * ObjectDetector d = host.extensions(ObjectDetector.class).stream()
 *         .filter(x -> x.accepts(graph)).findFirst().orElseThrow();
 * List<DetectedObject> found = d.detect(graph, new GraphExecutor(graph)::forward, image, 0.25, 0.45);
 * d.writePng(image, found, Path.of("out.png"));
 * }</pre>
 */
public interface ObjectDetector extends ExtensionPoint {

    /**
     * Returns the detector's registry name ({@code yolo}).
     *
     * @return the name
     */
    String name();

    /**
     * Tells whether this detector reads the graph's inputs and outputs.
     *
     * @param graph the model
     * @return true if {@link #detect} accepts the graph
     */
    boolean accepts(Graph graph);

    /**
     * Detects the objects of one image.
     *
     * @param graph the model, accepted by {@link #accepts}
     * @param forward runs the graph in eval mode: graph inputs to graph outputs
     * @param image the image
     * @param confidence the minimum class score in [0, 1]
     * @param iou the overlap in [0, 1] above which a lower-scoring box of the same class is
     *     suppressed
     * @return the objects, highest score first, boxes in the image's pixels
     * @throws IllegalArgumentException if the graph is not accepted or a threshold lies outside
     *     [0, 1]
     */
    List<DetectedObject> detect(Graph graph, UnaryOperator<NDList> forward, BufferedImage image,
            double confidence, double iou);

    /**
     * Writes the image with the objects drawn and labelled, as PNG, atomically.
     *
     * @param image the image
     * @param objects the objects, in the image's pixels
     * @param target the PNG file
     * @throws ModelFormatException naming the file if it cannot be written
     */
    void writePng(BufferedImage image, List<DetectedObject> objects, Path target);

    /**
     * Writes the objects as a JSON list, atomically.
     *
     * @param objects the objects
     * @param target the JSON file
     * @throws ModelFormatException naming the file if it cannot be written
     */
    void writeJson(List<DetectedObject> objects, Path target);
}
