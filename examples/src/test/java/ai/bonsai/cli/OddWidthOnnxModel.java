package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;

/**
 * A small CNN written as ONNX through the ONNX plugin, with widths that halve to counts that are
 * not multiples of 8: conv1 3 -> 20, bn, relu; conv2 20 -> 44, bn, relu; pool, flatten, fc 44 -> 10.
 */
final class OddWidthOnnxModel {

    private OddWidthOnnxModel() {
    }

    /**
     * Writes the model.
     *
     * @param host a host with the ONNX plugin
     * @param file the {@code .onnx} file
     * @param symbolicBatch whether the input's first dimension is written symbolic ({@code N}), as
     *     the ONNX plugin writes back a model it read with a symbolic batch
     * @return the file
     */
    static Path write(PluginHost host, Path file, boolean symbolicBatch) {
        GraphBuilder b = host.newGraphBuilder("odd", 5);
        if (symbolicBatch) {
            b.metadata("onnx.input_dims.input", "N,3,16,16");
        }
        Value x = b.input("input", new Shape(1, 3, 16, 16));
        Value h = b.relu("relu1", b.batchNorm("bn1", b.conv2d("conv1", x, 20, 3, 1, 1)));
        h = b.relu("relu2", b.batchNorm("bn2", b.conv2d("conv2", h, 44, 3, 2, 1)));
        b.output(b.linear("fc", b.flatten("flat", b.adaptiveAvgPool2d("pool", h, 1, 1)), 10));
        try (Graph g = b.build()) {
            host.formats().get("onnx").write(g, file);
        }
        return file;
    }
}
