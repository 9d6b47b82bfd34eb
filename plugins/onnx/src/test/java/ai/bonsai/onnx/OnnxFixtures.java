package ai.bonsai.onnx;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.Resources;
import java.nio.file.Path;

/** Reads the ONNX fixtures with the format under test. */
final class OnnxFixtures {

    private OnnxFixtures() {
    }

    /**
     * Returns a fixture's ONNX file.
     *
     * @param fixture the fixture name, such as {@code tiny_resnet}
     * @return the path
     */
    static Path onnx(String fixture) {
        return Resources.path("fixtures/" + fixture + ".onnx");
    }

    /**
     * Reads an ONNX file into a graph.
     *
     * @param path the file
     * @return the graph
     */
    static Graph read(Path path) {
        return new OnnxFormat().read(path, PluginHost.classpathOnly().newGraphBuilder("onnx", 0));
    }
}
