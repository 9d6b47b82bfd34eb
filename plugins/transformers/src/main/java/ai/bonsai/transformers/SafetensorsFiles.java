package ai.bonsai.transformers;

import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.api.model.ModelFormatException;
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
 * Reads and writes {@code model.safetensors} through DJL's codec (the plugin sees only the api,
 * not core's reader).
 */
final class SafetensorsFiles {

    private SafetensorsFiles() {
    }

    /**
     * Reads every tensor of a file.
     *
     * @param file the file
     * @param manager owns the arrays
     * @return the tensors by name, in file order
     * @throws ModelFormatException naming the file if it cannot be read
     */
    static Map<String, NDArray> read(Path file, NDManager manager) {
        NDList list;
        try (InputStream in = Files.newInputStream(file)) {
            list = NDList.decode(manager, in);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot read safetensors file '" + file + "': " + e.getMessage(), e);
        }
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray a : list) {
            if (a.getName() == null || byName.putIfAbsent(a.getName(), a) != null) {
                throw new ModelFormatException("safetensors file '" + file + "' has an unnamed or repeated tensor '"
                        + a.getName() + "'");
            }
        }
        return byName;
    }

    /**
     * Writes named tensors atomically; the arrays' own names are restored afterwards.
     *
     * @param tensors the tensors by name
     * @param file the target file
     * @throws ModelFormatException naming the file on failure
     */
    static void write(Map<String, NDArray> tensors, Path file) {
        AtomicFile.write(file, "safetensors file", tmp -> {
            NDList list = new NDList(tensors.size());
            Map<NDArray, String> oldNames = new LinkedHashMap<>();
            tensors.forEach((name, a) -> {
                oldNames.put(a, a.getName());
                a.setName(name);
                list.add(a);
            });
            try (OutputStream out = Files.newOutputStream(tmp)) {
                list.encode(out, NDList.Encoding.SAFETENSORS);
            } finally {
                oldNames.forEach(NDArray::setName);
            }
        });
    }
}
