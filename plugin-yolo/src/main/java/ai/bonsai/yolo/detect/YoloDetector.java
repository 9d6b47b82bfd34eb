package ai.bonsai.yolo.detect;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.DetectedObject;
import ai.bonsai.api.model.ObjectDetector;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.pf4j.Extension;

/**
 * The {@code yolo} object detector: any graph with one square RGB input {@code (N, 3, S, S)} and
 * YOLOv8's decoded output {@code (N, 4 + nc, anchors)} over strides 8, 16 and 32 (the adapter's,
 * the {@code yolo} format's, or an ONNX export's). The image is letterboxed to S, the output
 * decoded with {@link DetectionDecoder} (at most 300 boxes) and the boxes mapped back to the
 * image; classes are named by their index.
 */
@Extension
public final class YoloDetector implements ObjectDetector {

    private static final int MAX_DETECTIONS = 300;
    private static final int[] STRIDES = {8, 16, 32};
    private static final List<String> NO_NAMES = List.of();

    /** Creates the detector (PF4J instantiates it). */
    public YoloDetector() {
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code yolo}
     */
    @Override
    public String name() {
        return "yolo";
    }

    @Override
    public boolean accepts(Graph graph) {
        if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
            return false;
        }
        long[] in = graph.inputs().get(0).shape().getShape();
        long[] out = graph.outputs().get(0).shape().getShape();
        if (in.length != 4 || in[1] != 3 || in[2] != in[3] || in[2] % STRIDES[2] != 0
                || out.length != 3 || out[1] < 5) {
            return false;
        }
        long anchors = 0;
        for (int stride : STRIDES) {
            anchors += (in[2] / stride) * (in[2] / stride);
        }
        return out[2] == anchors;
    }

    @Override
    public List<DetectedObject> detect(Graph graph, UnaryOperator<NDList> forward,
            BufferedImage image, double confidence, double iou) {
        if (!accepts(graph)) {
            throw new IllegalArgumentException("graph '" + graph.name() + "' is not a YOLOv8"
                    + " detector: expected input (N, 3, S, S) and output (N, 4 + nc, anchors),"
                    + " found " + graph.inputs() + " -> " + graph.outputs());
        }
        DetectionDecoder decoder = new DetectionDecoder(confidence, iou, MAX_DETECTIONS);
        int size = (int) graph.inputs().get(0).shape().get(2);
        Letterbox letterbox = Letterbox.fit(image.getWidth(), image.getHeight(), size);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList output = forward.apply(new NDList(letterbox.toInput(image, manager)));
            return decoder.decode(output.head(), 0).stream()
                    .map(d -> toObject(d.withBox(letterbox.unmap(d.box())))).toList();
        }
    }

    @Override
    public void writePng(BufferedImage image, List<DetectedObject> objects, Path target) {
        DetectionWriter.writePng(image, objects.stream().map(YoloDetector::toDetection).toList(),
                NO_NAMES, target);
    }

    @Override
    public void writeJson(List<DetectedObject> objects, Path target) {
        DetectionWriter.writeJson(objects.stream().map(YoloDetector::toDetection).toList(),
                NO_NAMES, target);
    }

    private static DetectedObject toObject(Detection d) {
        Box b = d.box();
        return new DetectedObject(d.classId(), String.valueOf(d.classId()), d.score(), b.x1(),
                b.y1(), b.x2(), b.y2());
    }

    private static Detection toDetection(DetectedObject o) {
        return new Detection(new Box(o.x1(), o.y1(), o.x2(), o.y2()), o.classId(), o.score());
    }
}
