package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.testing.Resources;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bonsai detect} on the {@code yolov8t} fixture (state dict and config, and the
 * BN-fused ONNX export; 160 x 160, 8 classes) through the YOLO and ONNX plugin jars: the fixture's input tensor, written as a PNG, gives an
 * annotated PNG of the image's size and a JSON list whose best box is one of PyTorch's
 * {@code output0} boxes; a model no detector accepts is a usage error.
 */
class DetectCommandTest {

    private static final int SIZE = 160;

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    private Path work;

    @BeforeEach
    void plugins() throws IOException {
        TestPlugins.useAsDefault(tmp.resolve("plugins"));
        work = Files.createDirectories(tmp.resolve("work"));
        for (String f : new String[] {"config.json", "yolov8t.safetensors", "yolov8t_fused.onnx"}) {
            Files.copy(Resources.path("yolov8t/" + f), work.resolve(f));
        }
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov8t.safetensors", "yolov8t_fused.onnx"})
    void drawsAndListsTheBoxesOfTheFixtureImage(String modelFile) throws IOException {
        Path image = work.resolve("image.png");
        float[] output0;
        try (NDManager m = NDManager.newBaseManager()) {
            ImageIO.write(toImage(Safetensors.read(Resources.path("yolov8t/images.safetensors"), m)
                    .get("images").toFloatArray()), "png", image.toFile());
            output0 = Safetensors.read(Resources.path("yolov8t/output0.safetensors"), m)
                    .get("output0").toFloatArray();
        }
        Path png = work.resolve("out.png");
        Path json = work.resolve("boxes.json");

        int status = cli.run("detect", work.resolve(modelFile).toString(), "--image", image.toString(),
                "--out", png.toString(), "--json", json.toString(), "--conf", "0.25", "--iou", "0.45");

        assertThat(status).as(cli.err()).isZero();
        BufferedImage drawn = ImageIO.read(png.toFile());
        assertThat(drawn.getWidth()).isEqualTo(SIZE);
        assertThat(drawn.getHeight()).isEqualTo(SIZE);
        JsonNode boxes = new ObjectMapper().readTree(json.toFile()).get("detections");
        assertThat(boxes.size()).isBetween(1, 300);
        assertThat(cli.out()).contains(boxes.size() + " objects; wrote " + png);
        double previous = 1;
        for (JsonNode b : boxes) {
            double score = b.get("score").asDouble();
            assertThat(score).isBetween(0.25, previous);
            previous = score;
            assertThat(b.get("class").asInt()).isBetween(0, 7);
            for (JsonNode c : b.get("box")) {
                assertThat(c.asDouble()).isBetween(0.0, (double) SIZE);
            }
        }
        assertIsAPyTorchBox(boxes.get(0), output0);
    }

    @Test
    void aModelNoDetectorAcceptsExitsTwoAndWritesNothing() throws IOException {
        Path image = work.resolve("image.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        Path model = Files.copy(Resources.path("fixtures/tiny_mlp.onnx"), work.resolve("mlp.onnx"));
        Path png = work.resolve("out.png");

        int status = cli.run("detect", model.toString(), "--image", image.toString(), "--out",
                png.toString());

        assertThat(status).isEqualTo(2);
        assertThat(cli.err()).contains("no detector accepts").contains("[yolo]");
        assertThat(png).doesNotExist();
    }

    /** The best box equals the clipped box of an anchor of PyTorch's output (8-bit PNG input). */
    private static void assertIsAPyTorchBox(JsonNode best, float[] output0) {
        int anchors = output0.length / 12;
        double bestDistance = Double.MAX_VALUE;
        int match = -1;
        for (int a = 0; a < anchors; a++) {
            double[] box = clippedBox(output0, anchors, a);
            double d = 0;
            for (int k = 0; k < 4; k++) {
                d = Math.max(d, Math.abs(box[k] - best.get("box").get(k).asDouble()));
            }
            if (d < bestDistance) {
                bestDistance = d;
                match = a;
            }
        }
        assertThat(bestDistance).isLessThan(0.5);
        int cls = best.get("class").asInt();
        assertThat(best.get("score").asDouble()).isCloseTo(output0[(4 + cls) * anchors + match],
                within(5e-3));
    }

    private static double[] clippedBox(float[] o, int anchors, int a) {
        double cx = o[a];
        double cy = o[anchors + a];
        double w = o[2 * anchors + a];
        double h = o[3 * anchors + a];
        return new double[] {clip(cx - w / 2), clip(cy - h / 2), clip(cx + w / 2), clip(cy + h / 2)};
    }

    private static double clip(double v) {
        return Math.min(Math.max(v, 0), SIZE);
    }

    private static BufferedImage toImage(float[] chw) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int plane = SIZE * SIZE;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int i = y * SIZE + x;
                image.setRGB(x, y, byteOf(chw[i]) << 16 | byteOf(chw[plane + i]) << 8
                        | byteOf(chw[2 * plane + i]));
            }
        }
        return image;
    }

    private static int byteOf(float v) {
        return Math.round(Math.min(Math.max(v, 0f), 1f) * 255f);
    }
}
