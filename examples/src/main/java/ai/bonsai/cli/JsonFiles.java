package ai.bonsai.cli;

import ai.bonsai.api.model.ModelFormatException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes JSON reports atomically: a failed write leaves no file behind. */
final class JsonFiles {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {
    }

    /**
     * Serializes a value to a temp file next to the target, then renames it.
     *
     * @param value the value (maps, lists, records)
     * @param file the target
     * @param what what the file holds, for the error message
     * @throws ModelFormatException naming the file if it cannot be written
     */
    static void write(Object value, Path file, String what) {
        Path target = file.toAbsolutePath();
        try {
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                JSON.writeValue(tmp.toFile(), value);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ModelFormatException("cannot write " + what + " '" + file + "': " + e.getMessage(), e);
        }
    }
}
