package ai.bonsai.cli;

import ai.bonsai.api.model.AtomicFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;

/** Writes JSON reports atomically ({@link AtomicFile}): a failed write leaves no file behind. */
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
     * @throws ai.bonsai.api.model.ModelFormatException naming the file if it cannot be written
     */
    static void write(Object value, Path file, String what) {
        AtomicFile.write(file, what, tmp -> JSON.writeValue(tmp.toFile(), value));
    }
}
