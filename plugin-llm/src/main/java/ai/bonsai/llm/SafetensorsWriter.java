package ai.bonsai.llm;

import ai.djl.ndarray.NDArray;
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
import java.util.function.Supplier;

/**
 * Writes one safetensors file tensor by tensor: the header first (from the shapes), then each
 * tensor's bytes, converted to the file's element type, so that only one tensor is in memory at a
 * time. Callers make the write atomic (the file lies in a temporary folder).
 */
public final class SafetensorsWriter {

    /**
     * One tensor to write.
     *
     * @param name the tensor name
     * @param shape its shape
     * @param data gives the float32 data when its turn comes (not closed by the writer)
     * @param written runs once the tensor is in the file (to release its data)
     */
    public record Tensor(String name, Shape shape, Supplier<NDArray> data, Runnable written) {
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
     * Writes a file.
     *
     * @param file the file to create
     * @param tensors the tensors, in file order
     * @param type the element type of every tensor
     * @param metadata the {@code __metadata__} entries
     * @throws IOException if writing fails
     */
    public static void write(Path file, List<Tensor> tensors, TensorType type,
            Map<String, String> metadata) throws IOException {
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
            writeFully(ch, head);
            ScratchBuffers scratch = new ScratchBuffers();
            for (Tensor t : tensors) {
                NDArray a = t.data().get();
                if (!a.getShape().equals(t.shape())) {
                    throw new IOException("tensor '" + t.name() + "' is " + a.getShape()
                            + ", the header says " + t.shape());
                }
                if (type == TensorType.BF16) {
                    ByteBuffer narrow = scratch.direct(Math.toIntExact(bytes(t.shape(), type)));
                    Bfloat16.narrow(a.toByteBuffer(true), narrow);
                    writeFully(ch, narrow.flip());
                } else if (type == TensorType.F32) {
                    writeFully(ch, a.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
                } else {
                    try (NDArray typed = a.toType(type.djl(), false)) {
                        writeFully(ch, typed.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
                    }
                }
                t.written().run();
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
