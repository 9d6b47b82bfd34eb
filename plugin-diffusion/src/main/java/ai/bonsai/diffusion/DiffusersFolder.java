package ai.bonsai.diffusion;

import ai.bonsai.api.model.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
