package ai.bonsai.yolo.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Resources;
import ai.bonsai.yolo.YoloFormat;
import ai.bonsai.yolo.YoloPruning;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bonsai detect} does, on the fixture model: letterbox a 200 x 120 image to 160, run,
 * decode, map back, draw the boxes into a PNG and list them as JSON; and compare the detections
 * of the 50 % pruned model with the original's.
 */
class DetectEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void writesPngAndJsonOfTheDetections() throws Exception {
        BufferedImage image = new BufferedImage(200, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        g2.setColor(Color.WHITE);
        g2.fillRect(0, 0, 200, 120);
        g2.setColor(Color.BLACK);
        g2.fillOval(60, 20, 80, 80);
        g2.dispose();
        DetectionDecoder decoder = new DetectionDecoder(0, 0.5, 10);
        Path png = dir.resolve("out.png");
        Path json = dir.resolve("out.json");
        try (Graph model = read(); Graph pruned = read(); NDManager m = NDManager.newBaseManager()) {
            Letterbox lb = Letterbox.fit(image.getWidth(), image.getHeight(), 160);
            NDArray input = lb.toInput(image, m);
            List<Detection> found = detect(model, input, decoder, lb);
            assertThat(found).hasSize(10);
            assertThat(found).allMatch(d -> d.box().x2() <= 200 && d.box().y2() <= 120);

            DetectionWriter.writePng(image, found, List.of(), png);
            DetectionWriter.writeJson(found, List.of(), json);
            BufferedImage written = ImageIO.read(png.toFile());
            assertThat(written.getWidth()).isEqualTo(200);
            assertThat(written.getHeight()).isEqualTo(120);
            JsonNode listed = new ObjectMapper().readTree(json.toFile()).get("detections");
            assertThat(listed).hasSize(found.size());
            assertThat(listed.get(0).get("box").get(0).asDouble()).isEqualTo(found.get(0).box().x1());

            new MetaPruner().start(pruned, YoloPruning.defaults(new MagnitudeImportance())
                    .optRatio(0.5).build()).step();
            DetectionComparison c = DetectionComparison.compare(found,
                    detect(pruned, input, decoder, lb), 0.5);
            System.out.println("original vs 50 % pruned: " + c);
            assertThat(c.original()).isEqualTo(10);
            assertThat(DetectionComparison.compare(found, found, 0.5))
                    .isEqualTo(new DetectionComparison(10, 10, 10, 1.0));
        }
    }

    private static List<Detection> detect(Graph g, NDArray input, DetectionDecoder decoder,
            Letterbox lb) {
        NDArray out = new GraphExecutor(g).forward(new NDList(input)).head();
        return decoder.decode(out, 0).stream().map(d -> d.withBox(lb.unmap(d.box()))).toList();
    }

    private static Graph read() {
        return new YoloFormat().read(Resources.path("yolov8t/yolov8t.safetensors"),
                ai.bonsai.core.plugin.PluginHost.classpathOnly().newGraphBuilder("yolov8t", 0));
    }
}
