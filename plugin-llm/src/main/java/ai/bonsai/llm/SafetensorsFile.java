package ai.bonsai.llm;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One safetensors file, its header read and checked, its tensors read on demand, block by block
 * (a checkpoint larger than memory is never read whole). Reads are positional, not memory maps:
 * the file's pages stay in the page cache and never count toward the process's resident memory.
 * A tensor of any size can be read in ranges ({@link #read(FileChannel, Entry, long,
 * ByteBuffer)}); one read whole as float32 ({@link #readFloat}) must fit a Java buffer (2 GB).
 *
 * <p>The header is checked before anything is read: its length fits the file and {@value
 * #MAX_HEADER_BYTES} bytes, every tensor has a supported dtype, a shape, and {@code
 * data_offsets} inside the data area whose length matches the shape. Each problem is a {@link
 * ModelFormatException} naming the file, the tensor and the field.
 */
public final class SafetensorsFile {

    /** The largest header accepted (100 MB, as the reference implementation). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One tensor of the file.
     *
     * @param name the tensor name
     * @param type the element type
     * @param shape the shape
     * @param begin the first byte, from the start of the data area
     * @param end one past the last byte
     */
    public record Entry(String name, TensorType type, Shape shape, long begin, long end) {
    }

    private final Path file;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path file, long dataStart, Map<String, Entry> entries) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /**
     * Opens a file and checks its header.
     *
     * @param file the file
     * @return the file
     * @throws ModelFormatException naming the file and field at fault
     */
    public static SafetensorsFile open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw error(file, "is " + size + " bytes, too short for a header length");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.getLong(0);
            if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw error(file, "header length " + Long.toUnsignedString(n) + " is invalid: the file has "
                        + (size - 8) + " bytes after it and headers are limited to "
                        + MAX_HEADER_BYTES + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(header.array());
            } catch (IOException e) {
                throw error(file, "header is not valid JSON: " + e.getMessage());
            }
            if (root == null || !root.isObject()) {
                throw error(file, "header is not a JSON object");
            }
            return new SafetensorsFile(file, 8 + n, entries(file, root, size - 8 - n));
        } catch (IOException e) {
            throw new ModelFormatException("safetensors file '" + file + "': cannot read: "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, Entry> entries(Path file, JsonNode root, long dataLength) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            out.put(f.getKey(), entry(file, f.getKey(), f.getValue(), dataLength));
        }
        return out;
    }

    private static Entry entry(Path file, String name, JsonNode e, long dataLength) {
        JsonNode dtype = e.get("dtype");
        TensorType type = dtype == null ? null : TensorType.byName(dtype.asText());
        if (type == null) {
            throw tensorError(file, name, "dtype", "unsupported value " + dtype
                    + "; supported: " + java.util.Arrays.stream(TensorType.values()).map(Enum::name)
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
        JsonNode shapeNode = e.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw tensorError(file, name, "shape", "missing or not an array");
        }
        long[] dims = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0) {
                throw tensorError(file, name, "shape", "has an invalid dimension " + d);
            }
            dims[i] = d.asLong();
            elements = Math.multiplyExact(elements, dims[i]);
        }
        JsonNode offsets = e.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw tensorError(file, name, "data_offsets", "must be [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw tensorError(file, name, "data_offsets", "[" + begin + ", " + end
                    + "] lies outside the data area of " + dataLength + " bytes");
        }
        long expected = elements * type.bytes();
        if (end - begin != expected) {
            throw tensorError(file, name, "data_offsets", "[" + begin + ", " + end + "] spans "
                    + (end - begin) + " bytes, the " + type + " shape " + new Shape(dims)
                    + " needs " + expected);
        }
        return new Entry(name, type, new Shape(dims), begin, end);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static ModelFormatException error(Path file, String problem) {
        return new ModelFormatException("safetensors file '" + file + "': " + problem);
    }

    private static ModelFormatException tensorError(Path file, String tensor, String field, String problem) {
        return new ModelFormatException("safetensors file '" + file + "': tensor '" + tensor
                + "': field '" + field + "': " + problem);
    }

    /**
     * Returns the file.
     *
     * @return the path
     */
    public Path path() {
        return file;
    }

    /**
     * Returns the tensors by name, in header order.
     *
     * @return the entries
     */
    public Map<String, Entry> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    /**
     * Reads one tensor's bytes into a buffer.
     *
     * @param name the tensor name
     * @param into a buffer with at least the tensor's bytes remaining; filled from its position
     * @throws ModelFormatException if the tensor is absent, larger than 2 GB or cannot be read
     */
    public void read(String name, ByteBuffer into) {
        Entry e = entry(name);
        try (FileChannel ch = channel()) {
            ByteBuffer window = into.duplicate();
            window.limit(Math.toIntExact(window.position() + e.end() - e.begin()));
            read(ch, e, 0, window);
        } catch (IOException | ArithmeticException ex) {
            throw new ModelFormatException("safetensors file '" + file + "': tensor '" + name
                    + "': cannot read: " + ex.getMessage(), ex);
        }
    }

    /**
     * Opens the file for positional reads ({@link #read(FileChannel, Entry, long, ByteBuffer)}).
     *
     * @return a channel, to close
     * @throws IOException if the file cannot be opened
     */
    public FileChannel channel() throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * Reads a range of one tensor's bytes: from byte {@code from} of the tensor (0 is its first
     * byte) until the buffer's limit.
     *
     * @param ch a channel of this file ({@link #channel()})
     * @param e the tensor's entry
     * @param from the first byte, counted from the tensor's start
     * @param into filled from its position to its limit
     * @throws IOException if the range lies outside the tensor or the read fails
     */
    public void read(FileChannel ch, Entry e, long from, ByteBuffer into) throws IOException {
        if (from < 0 || from + into.remaining() > e.end() - e.begin()) {
            throw new IOException("bytes [" + from + ", " + (from + into.remaining()) + ") lie outside tensor '"
                    + e.name() + "' of " + (e.end() - e.begin()) + " bytes");
        }
        readFully(ch, into, dataStart + e.begin() + from);
    }

    /**
     * Copies a range of one tensor's bytes to a channel without passing them through Java
     * buffers where the system allows (between files, {@link FileChannel#transferTo}).
     *
     * @param ch a channel of this file ({@link #channel()})
     * @param e the tensor's entry
     * @param from the first byte, counted from the tensor's start
     * @param length the number of bytes
     * @param out the channel written at its position
     * @throws IOException if the range lies outside the tensor or the copy fails
     */
    public void transfer(FileChannel ch, Entry e, long from, long length, WritableByteChannel out) throws IOException {
        if (from < 0 || length < 0 || from + length > e.end() - e.begin()) {
            throw new IOException("bytes [" + from + ", " + (from + length) + ") lie outside tensor '"
                    + e.name() + "' of " + (e.end() - e.begin()) + " bytes");
        }
        long start = dataStart + e.begin() + from;
        for (long done = 0; done < length;) {
            long n = ch.transferTo(start + done, length - done, out);
            if (n <= 0) {
                throw new IOException("unexpected end of file at byte " + (start + done));
            }
            done += n;
        }
    }

    /**
     * Returns one tensor's entry.
     *
     * @param name the tensor name
     * @return the entry
     * @throws ModelFormatException if the tensor is absent
     */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw error(file, "has no tensor '" + name + "'");
        }
        return e;
    }

    /**
     * Reads one tensor as float32: a float32 or bfloat16 tensor goes block by block straight into
     * the engine's array (bfloat16 widened on the way), so that only the float32 array and one
     * chunk of the scratch buffers are in memory; other types are read whole and converted by the
     * engine.
     *
     * @param name the tensor name
     * @param manager the manager that will own the array
     * @param scratch buffers reused from one read to the next
     * @return a float32 array of its own (never a view of a buffer)
     * @throws ModelFormatException if the tensor is absent, larger than 2 GB in float32, or
     *     cannot be read
     */
    public NDArray readFloat(String name, NDManager manager, ScratchBuffers scratch) {
        Entry e = entry(name);
        long floatBytes = e.shape().size() * Float.BYTES;
        if (floatBytes > Integer.MAX_VALUE) {
            throw new ModelFormatException("safetensors file '" + file + "': tensor '" + name + "' " + e.shape()
                    + " takes " + floatBytes + " bytes in float32, more than a Java buffer holds (2 GB):"
                    + " it can be copied by the writer but not read whole");
        }
        if (e.type() != TensorType.F32 && e.type() != TensorType.BF16) {
            return readConverted(e, manager, scratch);
        }
        NDArray out = manager.create(e.shape(), DataType.FLOAT32);
        try (FileChannel ch = channel()) {
            ByteBuffer target = out.toByteBuffer(true);
            if (!target.isDirect() || target.capacity() != floatBytes) {
                throw new IOException("the engine gave no direct view of a float32 array");
            }
            if (e.type() == TensorType.F32) {
                read(ch, e, 0, target.order(ByteOrder.nativeOrder()));
                return out;
            }
            target.order(ByteOrder.nativeOrder());
            synchronized (scratch) {
                long bytes = e.end() - e.begin();
                int step = scratch.chunkBytes() / 2 * 2;
                for (long from = 0; from < bytes; from += step) {
                    ByteBuffer chunk = scratch.direct((int) Math.min(step, bytes - from));
                    read(ch, e, from, chunk);
                    Bfloat16.widen(chunk.flip(), target);
                }
            }
            return out;
        } catch (IOException | RuntimeException ex) {
            out.close();
            throw new ModelFormatException("safetensors file '" + file + "': tensor '" + name
                    + "': cannot read: " + ex.getMessage(), ex);
        }
    }

    private NDArray readConverted(Entry e, NDManager manager, ScratchBuffers scratch) {
        synchronized (scratch) {
            ByteBuffer data = scratch.direct(Math.toIntExact(e.end() - e.begin()));
            read(e.name(), data);
            try (NDArray raw = manager.create(data, e.shape(), e.type().djl())) {
                // the engine's tensor aliases the buffer: convert it out before the buffer is reused
                return raw.toType(DataType.FLOAT32, false);
            }
        }
    }
}
