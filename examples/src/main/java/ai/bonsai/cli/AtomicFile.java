package ai.bonsai.cli;

import ai.bonsai.api.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file through a temporary sibling and a rename, so a failed run leaves no partial file. */
final class AtomicFile {

    /** Writes the content of a file. */
    @FunctionalInterface
    interface Content {

        /**
         * Writes the content to a file.
         *
         * @param file the temporary file
         * @throws IOException if writing fails
         */
        void writeTo(Path file) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Writes a file atomically.
     *
     * @param target the file to create or replace
     * @param what what the file holds, for the error message ({@code benchmark results})
     * @param content writes the content
     * @throws ModelFormatException naming the file if it cannot be written
     */
    static void write(Path target, String what, Content content) {
        Path absolute = target.toAbsolutePath();
        try {
            Path tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
            try {
                content.writeTo(tmp);
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ModelFormatException("cannot write " + what + " '" + target + "': "
                    + e.getMessage(), e);
        }
    }
}
