package ai.bonsai.api.model;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file the way every {@link ModelFormat} writer and report must: into a temporary
 * sibling (mode {@code rw-r--r--} where the file system has POSIX permissions), renamed over the
 * target only once complete, so a failed write leaves no partial file and no temporary file.
 *
 * <pre>{@code
 * AtomicFile.write(path, "safetensors file", tmp -> Files.write(tmp, bytes));
 * }</pre>
 */
public final class AtomicFile {

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {

        /**
         * Writes the whole content to a file.
         *
         * @param file the temporary file (exists, empty)
         * @throws IOException if writing fails
         */
        void writeTo(Path file) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Writes a file atomically, creating its folder if needed.
     *
     * @param target the file to create or replace
     * @param what what the file holds, for the error message ({@code safetensors file})
     * @param content writes the content
     * @throws ModelFormatException {@code cannot write WHAT 'TARGET': reason} if anything fails,
     *     the content's own exceptions included
     */
    public static void write(Path target, String what, Content content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            content.writeTo(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw new ModelFormatException("cannot write " + what + " '" + target + "': "
                    + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is reported instead
            }
        }
    }
}
