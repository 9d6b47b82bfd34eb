package ai.bonsai.api.model;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Parameter;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes safetensors files (Hugging Face's format) through DJL's codec.
 *
 * <pre>{@code
 * Safetensors.write(graph, Path.of("pruned.safetensors"));   // every parameter, by full name
 * Map<String, NDArray> w = Safetensors.read(Path.of("model.safetensors"), manager);
 * }</pre>
 */
public final class Safetensors {

    private Safetensors() {
    }

    /**
     * Reads every tensor of a file.
     *
     * @param file the file
     * @param manager the manager that will own the arrays
     * @return the tensors by name, in file order
     * @throws ModelFormatException naming the file if it cannot be read
     */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), manager);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read safetensors file '" + file + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads every tensor of a safetensors stream (an entry of an archive, for instance).
     *
     * @param in the stream, read to its end and not closed
     * @param source how to name the stream in errors ({@code model.bonsai!weights.safetensors})
     * @param manager the manager that will own the arrays
     * @return the tensors by name, in stream order
     * @throws ModelFormatException naming the source if it cannot be read
     */
    public static Map<String, NDArray> read(InputStream in, String source, NDManager manager) {
        NDList list;
        try {
            list = NDList.decode(manager, in);
        } catch (RuntimeException e) {
            throw new ModelFormatException("cannot read safetensors file '" + source + "': "
                    + e.getMessage(), e);
        }
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray a : list) {
            if (a.getName() == null || byName.putIfAbsent(a.getName(), a) != null) {
                throw new ModelFormatException("safetensors file '" + source
                        + "' has an unnamed or repeated tensor '" + a.getName() + "'");
            }
        }
        return byName;
    }

    /**
     * Writes every parameter of a graph by its full name, atomically (a temporary file in the
     * same folder, then a rename): a failed write leaves no file behind.
     *
     * @param graph the graph
     * @param file the target file
     * @throws ModelFormatException naming the file on failure
     */
    public static void write(Graph graph, Path file) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Parameter p : graph.parameters().values()) {
            tensors.put(p.name(), p.array());
        }
        write(tensors, file);
    }

    /**
     * Writes named tensors atomically.
     *
     * @param tensors the tensors by name
     * @param file the target file
     * @throws ModelFormatException naming the file on failure
     */
    public static void write(Map<String, NDArray> tensors, Path file) {
        AtomicFile.write(file, "safetensors file", tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(tensors, out);
            }
        });
    }

    /**
     * Encodes named tensors in the safetensors format onto a stream (not atomic, not closed).
     *
     * @param tensors the tensors by name
     * @param out the stream
     * @throws IOException if the stream fails
     */
    public static void write(Map<String, NDArray> tensors, OutputStream out) throws IOException {
        NDList list = new NDList(tensors.size());
        Map<NDArray, String> oldNames = new LinkedHashMap<>();
        tensors.forEach((name, a) -> {
            oldNames.put(a, a.getName());
            a.setName(name);
            list.add(a);
        });
        try {
            list.encode(out, NDList.Encoding.SAFETENSORS);
        } finally {
            oldNames.forEach(NDArray::setName);
        }
    }
}
