package ai.bonsai.onnx;

import ai.bonsai.api.model.ModelFormatException;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Resolves a tensor's external data ({@code data_location = EXTERNAL}): a file named by {@code
 * location}, relative to the model's folder, read from {@code offset} for {@code length} bytes.
 * Locations that leave the model's folder (absolute paths, {@code ..}, links pointing outside) are
 * refused.
 */
final class ExternalData {

    private final Path modelFile;
    private final Path folder;

    /**
     * Creates a resolver for one model file.
     *
     * @param modelFile the model file
     */
    ExternalData(Path modelFile) {
        this.modelFile = modelFile;
        this.folder = modelFile.toAbsolutePath().getParent();
    }

    /**
     * Maps a tensor's external bytes.
     *
     * @param t the tensor
     * @param what the tensor's description for messages ({@code initializer 'w'})
     * @param expectedBytes the size its dims and type require
     * @return the bytes, little-endian
     * @throws ModelFormatException naming the file, tensor and field at fault
     */
    ByteBuffer map(TensorProto t, String what, long expectedBytes) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parse(e.getValue(), what, "offset");
                case "length" -> length = parse(e.getValue(), what, "length");
                default -> {
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw error(what + ": external_data has no 'location'");
        }
        Path file = resolve(location, what);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long len = length < 0 ? expectedBytes : length;
            if (len != expectedBytes) {
                throw error(what + ": external_data length " + len + " does not match the "
                        + expectedBytes + " bytes its dims and data_type need");
            }
            if (offset < 0 || offset + len > size) {
                throw error(what + ": external_data [" + offset + ", " + (offset + len)
                        + ") lies outside '" + location + "' (" + size + " bytes)");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, len).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFormatException(modelFile + ": " + what + ": cannot read external data '"
                    + location + "': " + e.getMessage(), e);
        }
    }

    private Path resolve(String location, String what) {
        Path relative;
        try {
            relative = Path.of(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw error(what + ": external_data location '" + location + "' is not a path");
        }
        Path candidate = folder.resolve(relative).normalize();
        if (relative.isAbsolute() || !candidate.startsWith(folder)) {
            throw error(what + ": external_data location '" + location
                    + "' lies outside the model's folder");
        }
        if (!Files.isRegularFile(candidate)) {
            throw error(what + ": external_data file '" + location + "' does not exist");
        }
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(folder.toRealPath())) {
                throw error(what + ": external_data location '" + location
                        + "' links outside the model's folder");
            }
            return real;
        } catch (IOException e) {
            throw new ModelFormatException(modelFile + ": " + what + ": cannot resolve external data '"
                    + location + "': " + e.getMessage(), e);
        }
    }

    private long parse(String value, String what, String key) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw error(what + ": external_data " + key + " '" + value + "' is not an integer");
        }
    }

    private ModelFormatException error(String message) {
        return new ModelFormatException(modelFile + ": " + message);
    }
}
