package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.plugin.PluginException;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Picks the {@link ModelFormat} of a model file among the host's formats, to read or write it. */
final class ModelFiles {

    private ModelFiles() {
    }

    /**
     * Reads a model with the first format that claims the file (or folder: a Hugging Face or
     * diffusers checkpoint).
     *
     * @param host the plugin host
     * @param file the model file or folder
     * @return the graph
     * @throws ModelFormatException if the file is missing or no format claims it
     */
    static Graph read(PluginHost host, Path file) {
        return read(host, file, Map.of());
    }

    /**
     * Reads a model for given input shapes: formats that build the graph from a config (a Hugging
     * Face folder) build it for them, others read the file as it is.
     *
     * @param host the plugin host
     * @param file the model file or folder
     * @param inputShapes shapes by graph input name
     * @return the graph
     * @throws ModelFormatException if the file is missing or no format claims it
     */
    static Graph read(PluginHost host, Path file, Map<String, Shape> inputShapes) {
        if (!Files.exists(file)) {
            throw new ModelFormatException("model file '" + file + "' does not exist");
        }
        return formatFor(host, file).read(file, host.newGraphBuilder(baseName(file), 0),
                inputShapes);
    }

    /**
     * Returns the format that claims a file name (for writing, the file need not exist).
     *
     * @param host the plugin host
     * @param file the file
     * @return the format
     * @throws ModelFormatException listing the available formats if none claims the file
     */
    static ModelFormat formatFor(PluginHost host, Path file) {
        try {
            return host.formatFor(file);
        } catch (PluginException e) {
            throw new ModelFormatException(e.getMessage() + " (-Dbonsai.plugins.dir)");
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
