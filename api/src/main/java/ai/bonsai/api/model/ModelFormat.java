package ai.bonsai.api.model;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * Reads models from, and writes them to, a file format (ONNX, safetensors with a family config,
 * Bonsai's own bundle). Writers write atomically: a failed write leaves no file.
 */
public interface ModelFormat extends ExtensionPoint {

    /**
     * Returns the format's registry name ({@code onnx}).
     *
     * @return the name
     */
    String name();

    /**
     * Tells whether this format can read a file (by extension or magic bytes).
     *
     * @param path the file
     * @return true if supported
     */
    boolean supports(Path path);

    /**
     * Reads a model.
     *
     * @param path the file
     * @param builder a fresh builder
     * @return the graph
     * @throws ModelFormatException naming the file and the node/initializer/field at fault
     */
    Graph read(Path path, GraphBuilder builder);

    /**
     * Reads a model for given input shapes. Formats that build the graph from a config (a
     * Hugging Face folder) build it for these shapes; files whose graph inputs declare symbolic
     * dimensions (a dynamic batch, height or width) give those dimensions these sizes. The default
     * reads the file as it is, and the caller checks the shapes it gets.
     *
     * @param path the file
     * @param builder a fresh builder
     * @param inputShapes the full shape of each input, by graph input name (may be empty)
     * @return the graph
     * @throws ModelFormatException naming the file and the input, node or field at fault
     */
    default Graph read(Path path, GraphBuilder builder, Map<String, Shape> inputShapes) {
        return read(path, builder);
    }

    /**
     * Tells whether this format builds its graph for the input shapes it is given: a format that
     * builds the graph from a config (a Hugging Face decoder folder, built for the shape of its
     * token ids) rather than reading a graph whose shapes the file sets. A tool that runs a model
     * on given tensors ({@code bonsai run}) then reads it with
     * {@link #read(Path, GraphBuilder, Map)} for the tensors' shapes when none are given
     * explicitly. The default is false.
     *
     * @return true if {@link #read(Path, GraphBuilder, Map)} builds the graph for the shapes
     */
    default boolean buildsForInputShapes() {
        return false;
    }

    /**
     * Writes a model atomically (temp file, then rename).
     *
     * @param graph the graph
     * @param path the target file
     * @throws ModelFormatException naming the file on failure
     */
    void write(Graph graph, Path path);

    /**
     * Writes a model atomically, recording provenance entries (pruning settings, criterion, ...)
     * in the file where the format can store metadata; formats that cannot ignore them.
     *
     * @param graph the graph
     * @param path the target file
     * @param provenance the entries, such as {@code ratio -> 0.5}
     * @throws ModelFormatException naming the file on failure
     */
    default void write(Graph graph, Path path, Map<String, String> provenance) {
        write(graph, path);
    }
}
