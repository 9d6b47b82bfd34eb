package ai.bonsai.diffusion;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two files of a diffusers model folder: {@code config.json} and {@code
 * diffusion_pytorch_model.safetensors}.
 */
final class DiffusersFolder {

    /** The config file's name. */
    static final String CONFIG = "config.json";

    /** The weights file's name. */
    static final String WEIGHTS = "diffusion_pytorch_model.safetensors";

    static final ObjectMapper JSON = new ObjectMapper();

    private DiffusersFolder() {
    }

    /**
     * Tells whether a path is a folder with both files.
     *
     * @param dir the path
     * @return true if both files exist
     */
    static boolean isFolder(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(CONFIG))
                && Files.isRegularFile(dir.resolve(WEIGHTS));
    }

    /**
     * Reads a JSON config file.
     *
     * @param file the file
     * @return the parsed JSON
     * @throws ModelFormatException naming the file if it cannot be read or parsed
     */
    static JsonNode readJson(Path file) {
        try {
            JsonNode json = JSON.readTree(file.toFile());
            if (json == null || !json.isObject()) {
                throw new ModelFormatException("config file '" + file + "' is not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new ModelFormatException("cannot read config file '" + file + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads every tensor of a safetensors file.
     *
     * @param file the file
     * @param manager the manager that will own the arrays
     * @return the tensors by name, in file order
     * @throws ModelFormatException naming the file if it cannot be read or has unnamed or
     *     repeated tensors
     */
    static Map<String, NDArray> readWeights(Path file, NDManager manager) {
        NDList list;
        try (InputStream in = Files.newInputStream(file)) {
            list = NDList.decode(manager, in);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot read safetensors file '" + file + "': "
                    + e.getMessage(), e);
        }
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray a : list) {
            if (a.getName() == null || byName.putIfAbsent(a.getName(), a) != null) {
                throw new ModelFormatException("safetensors file '" + file
                        + "' has an unnamed or repeated tensor '" + a.getName() + "'");
            }
        }
        return byName;
    }
}
