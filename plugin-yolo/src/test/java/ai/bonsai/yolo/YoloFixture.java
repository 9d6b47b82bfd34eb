package ai.bonsai.yolo;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.Resources;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/** The yolov8t fixture: its files, the graph read from its state dict, input and output. */
final class YoloFixture {

    /** The boxes' tolerance (pixels, values up to a few hundred). */
    static final float BOX_TOLERANCE = 1e-3f;

    /** The class scores' tolerance. */
    static final float SCORE_TOLERANCE = 1e-5f;

    private YoloFixture() {
    }

    static Path dir() {
        return Resources.path("yolov8t/config.json").getParent();
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    static Graph read() {
        return read(file("yolov8t.safetensors"));
    }

    static Graph read(Path path) {
        return new YoloFormat().read(path, PluginHost.classpathOnly().newGraphBuilder("yolov8t", 0));
    }

    static NDArray images(NDManager m) {
        return Safetensors.read(file("images.safetensors"), m).get("images");
    }

    static NDArray output0(NDManager m) {
        return Safetensors.read(file("output0.safetensors"), m).get("output0");
    }

    /** Returns the largest difference on the four box rows. */
    static float boxDiff(NDArray a, NDArray b) {
        return a.get(":, 0:4").sub(b.get(":, 0:4")).abs().max().getFloat();
    }

    /** Returns the largest difference on the class-score rows. */
    static float scoreDiff(NDArray a, NDArray b) {
        return a.get(":, 4:").sub(b.get(":, 4:")).abs().max().getFloat();
    }
}
