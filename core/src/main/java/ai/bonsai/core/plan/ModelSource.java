package ai.bonsai.core.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plan's {@code model} section: a model file (with its format, by default the one that claims
 * the file) or an architecture built by a model adapter, and the input shapes.
 *
 * @param path the model file, resolved against the plan's folder; empty for an adapter
 * @param format the format's registry name ({@code onnx}); empty to pick it by file name
 * @param adapter the architecture a model adapter builds ({@code resnet18}); empty for a file
 * @param options the adapter's options ({@code num_classes: 10})
 * @param inputShapes input shapes by input name: an adapter's single input, or the shapes a
 *     file's inputs must have
 */
public record ModelSource(
        Optional<Path> path,
        Optional<String> format,
        Optional<String> adapter,
        Map<String, String> options,
        Map<String, List<Long>> inputShapes) {

    /**
     * Copies the collections.
     */
    public ModelSource {
        options = Map.copyOf(options);
        inputShapes = Map.copyOf(inputShapes);
    }
}
