package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.DetectedObject;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.ObjectDetector;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai detect}: runs an object detector (a plugin's {@link ObjectDetector}, such as
 * YOLOv8's) on one image and writes the image with the boxes drawn, and optionally the boxes as
 * JSON, so that a user can see what a pruned model still finds.
 */
@Command(
        name = "detect",
        header = "Detect objects in an image and draw the boxes (PNG) and list them (JSON).",
        description = "Reads MODEL, picks the plugin detector that accepts it (YOLOv8: letterbox,"
                + " decode, class-aware NMS), runs it on --image (PNG or JPEG) and writes the"
                + " image with the boxes to --out, and the boxes to --json.")
public final class DetectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file.")
    private Path model;

    @Option(names = "--image", required = true, paramLabel = "IMG",
            description = "The image (PNG or JPEG).")
    private Path image;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "PNG file to write the image with the boxes to.")
    private Path out;

    @Option(names = "--json", paramLabel = "FILE", description = "JSON file to list the boxes in.")
    private Path json;

    @Option(names = "--conf", paramLabel = "P", defaultValue = "0.25",
            description = "Minimum class score (default: ${DEFAULT-VALUE}).")
    private double confidence;

    @Option(names = "--iou", paramLabel = "P", defaultValue = "0.45",
            description = "IoU above which NMS drops a box of the same class (default:"
                    + " ${DEFAULT-VALUE}).")
    private double iou;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public DetectCommand() {
    }

    /**
     * Detects, prints one line per object and writes the files atomically.
     *
     * @return 0
     * @throws ConfigException if a threshold lies outside [0, 1] or no detector accepts the model
     * @throws ModelFormatException if the image cannot be read
     */
    @Override
    public Integer call() {
        if (confidence < 0 || confidence > 1 || iou < 0 || iou > 1) {
            throw new ConfigException("--conf/--iou", "thresholds must lie in [0, 1], found "
                    + confidence + " and " + iou);
        }
        BufferedImage picture = readImage(image);
        PrintWriter printer = spec.commandLine().getOut();
        try (PluginHost host = PluginHosts.open(spec); Graph graph = ModelFiles.read(host, model)) {
            ObjectDetector detector = detectorFor(host, graph);
            List<DetectedObject> found = detector.detect(graph, new GraphExecutor(graph)::forward,
                    picture, confidence, iou);
            for (DetectedObject o : found) {
                printer.printf("%s %.3f [%.1f, %.1f, %.1f, %.1f]%n", o.name(), o.score(), o.x1(),
                        o.y1(), o.x2(), o.y2());
            }
            detector.writePng(picture, found, out);
            printer.printf("%d objects; wrote %s%n", found.size(), out);
            if (json != null) {
                detector.writeJson(found, json);
                printer.printf("wrote %s%n", json);
            }
        }
        printer.flush();
        return 0;
    }

    private ObjectDetector detectorFor(PluginHost host, Graph graph) {
        List<ObjectDetector> all = host.extensions(ObjectDetector.class);
        return all.stream().filter(d -> d.accepts(graph)).findFirst().orElseThrow(
                () -> new ConfigException("MODEL", "no detector accepts '" + model + "' (inputs "
                        + graph.inputs() + ", outputs " + graph.outputs() + "); detectors: "
                        + all.stream().map(ObjectDetector::name).collect(Collectors.toList())));
    }

    private static BufferedImage readImage(Path file) {
        try {
            BufferedImage read = ImageIO.read(file.toFile());
            if (read == null) {
                throw new ModelFormatException("image '" + file + "' is not a PNG or JPEG");
            }
            return read;
        } catch (IOException e) {
            throw new ModelFormatException("cannot read image '" + file + "': " + e.getMessage(), e);
        }
    }
}
