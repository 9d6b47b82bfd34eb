package ai.bonsai.yolo.detect;

import ai.bonsai.api.model.AtomicFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes detections for people to look at: the image with each box drawn and labelled (PNG),
 * and the list of boxes (JSON), each file atomically.
 */
public final class DetectionWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Color[] PALETTE = {Color.RED, Color.GREEN, Color.BLUE, Color.ORANGE,
        Color.MAGENTA, Color.CYAN, Color.YELLOW, Color.PINK};

    private DetectionWriter() {
    }

    /**
     * Draws the boxes on a copy of the image and writes it as PNG.
     *
     * @param image the image
     * @param detections the detections, in the image's pixels
     * @param names class names by index (a class without a name is labelled by its index)
     * @param target the PNG file
     * @throws ai.bonsai.api.model.ModelFormatException naming the file if it cannot be written
     */
    public static void writePng(BufferedImage image, List<Detection> detections,
            List<String> names, Path target) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            g.setStroke(new BasicStroke(2));
            for (Detection d : detections) {
                g.setColor(PALETTE[d.classId() % PALETTE.length]);
                Box b = d.box();
                g.drawRect((int) Math.round(b.x1()), (int) Math.round(b.y1()),
                        (int) Math.round(b.x2() - b.x1()), (int) Math.round(b.y2() - b.y1()));
                g.drawString(String.format("%s %.2f", label(d.classId(), names), d.score()),
                        (int) Math.round(b.x1()) + 2, (int) Math.round(b.y1()) + 12);
            }
        } finally {
            g.dispose();
        }
        AtomicFile.write(target, "PNG image", tmp -> {
            if (!ImageIO.write(out, "png", tmp.toFile())) {
                throw new java.io.IOException("no PNG writer available");
            }
        });
    }

    /**
     * Writes the detections as JSON: {@code {"detections": [{"class", "name", "score", "box":
     * [x1, y1, x2, y2]}, ...]}}.
     *
     * @param detections the detections
     * @param names class names by index
     * @param target the JSON file
     * @throws ai.bonsai.api.model.ModelFormatException naming the file if it cannot be written
     */
    public static void writeJson(List<Detection> detections, List<String> names, Path target) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("detections");
        for (Detection d : detections) {
            ObjectNode o = list.addObject();
            o.put("class", d.classId());
            o.put("name", label(d.classId(), names));
            o.put("score", d.score());
            ArrayNode box = o.putArray("box");
            box.add(d.box().x1()).add(d.box().y1()).add(d.box().x2()).add(d.box().y2());
        }
        AtomicFile.write(target, "detections JSON", tmp -> Files.writeString(tmp,
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)));
    }

    private static String label(int classId, List<String> names) {
        return classId < names.size() ? names.get(classId) : String.valueOf(classId);
    }
}
