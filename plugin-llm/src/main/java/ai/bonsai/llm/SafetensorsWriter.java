package ai.bonsai.llm;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes one safetensors file tensor by tensor: the header first (from the shapes), then each
 * tensor's bytes from its {@link TensorData}, in the file's element type, so that at most one
 * tensor — or, for tensors copied from a source file, a few chunks — is in memory at a time.
 * Callers make the write atomic (the file lies in a temporary folder).
 */
public final class SafetensorsWriter {

    /**
     * One tensor to write.
     *
     * @param name the tensor name
     * @param shape its shape
     * @param data gives its bytes when its turn comes
     */
    public record Tensor(String name, Shape shape, TensorData data) {
    }

    private SafetensorsWriter() {
    }

    /**
     * Returns the bytes a tensor takes in a file of some element type.
     *
     * @param shape the shape
     * @param type the element type
     * @return the size in bytes
     */
    public static long bytes(Shape shape, TensorType type) {
        return shape.size() * type.bytes();
    }

    /**
     * Writes a file with scratch buffers of the default chunk size.
     *
     * @param file the file to create
     * @param tensors the tensors, in file order
     * @param type the element type of every tensor
     * @param metadata the {@code __metadata__} entries
     * @throws IOException if writing fails or a tensor's data does not match its header
     */
    public static void write(Path file, List<Tensor> tensors, TensorType type,
            Map<String, String> metadata) throws IOException {
        write(file, tensors, type, metadata, new ScratchBuffers());
    }

    /**
     * Writes a file.
     *
     * @param file the file to create
     * @param tensors the tensors, in file order
     * @param type the element type of every tensor
     * @param metadata the {@code __metadata__} entries
     * @param scratch the buffers the tensors stage their bytes in
     * @throws IOException if writing fails or a tensor's data does not match its header
     */
    public static void write(Path file, List<Tensor> tensors, TensorType type,
            Map<String, String> metadata, ScratchBuffers scratch) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", type.name());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape().getShape()) {
                shape.add(d);
            }
            long end = offset + bytes(t.shape(), type);
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] text = json.writeValueAsBytes(header);
        int padded = (text.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(text);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            TensorData.writeFully(ch, head);
            synchronized (scratch) {
                for (Tensor t : tensors) {
                    long start = ch.position();
                    try {
                        t.data().writeTo(ch, t.shape(), type, scratch);
                    } catch (IOException | RuntimeException e) {
                        throw new IOException("tensor '" + t.name() + "': " + e.getMessage(), e);
                    }
                    long written = ch.position() - start;
                    if (written != bytes(t.shape(), type)) {
                        throw new IOException("tensor '" + t.name() + "': " + written + " bytes written, its "
                                + type + " shape " + t.shape() + " needs " + bytes(t.shape(), type));
                    }
                }
            }
        }
    }
}
