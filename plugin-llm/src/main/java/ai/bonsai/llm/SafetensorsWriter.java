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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes one safetensors file tensor by tensor: the header first (from the shapes), then each
 * tensor's bytes from its {@link TensorData}, in the file's element type, at the offset the header
 * gives it, so that at most one tensor per writer — or, for tensors copied from a source file, a
 * few chunks — is in memory at a time. Several writers may fill one file in parallel. Callers make
 * the write atomic (the file lies in a temporary folder).
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
     * Writes a file with one writer and scratch buffers of the default chunk size.
     *
     * @param file the file to create
     * @param tensors the tensors, in file order
     * @param type the element type of every tensor
     * @param metadata the {@code __metadata__} entries
     * @throws IOException if writing fails or a tensor's data does not match its header
     */
    public static void write(Path file, List<Tensor> tensors, TensorType type,
            Map<String, String> metadata) throws IOException {
        write(file, tensors, type, metadata, List.of(new ScratchBuffers()));
    }

    /**
     * Writes a file: the header, then the tensors, each at its offset, by one writer per scratch
     * buffer set working in parallel (each with a channel of its own, taking the next tensor when
     * done with one).
     *
     * @param file the file to create
     * @param tensors the tensors, in file order
     * @param type the element type of every tensor
     * @param metadata the {@code __metadata__} entries
     * @param writers one set of buffers per writer
     * @throws IOException if writing fails or a tensor's data does not match its header; the
     *     message names the first tensor that failed
     */
    public static void write(Path file, List<Tensor> tensors, TensorType type,
            Map<String, String> metadata, List<ScratchBuffers> writers) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long[] offsets = new long[tensors.size()];
        long offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", type.name());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape().getShape()) {
                shape.add(d);
            }
            offsets[i] = offset;
            offset += bytes(t.shape(), type);
            e.putArray("data_offsets").add(offsets[i]).add(offset);
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
        }
        long dataStart = 8L + padded;
        AtomicInteger next = new AtomicInteger();
        List<Callable<Void>> work = new ArrayList<>();
        for (ScratchBuffers scratch : writers.subList(0, Math.max(1, Math.min(writers.size(), tensors.size())))) {
            work.add(() -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    synchronized (scratch) {
                        for (int i = next.getAndIncrement(); i < tensors.size(); i = next.getAndIncrement()) {
                            writeTensor(ch, dataStart + offsets[i], tensors.get(i), type, scratch);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    next.set(tensors.size());
                    throw e;
                }
                return null;
            });
        }
        run(work);
    }

    private static void writeTensor(FileChannel ch, long start, Tensor t, TensorType type, ScratchBuffers scratch)
            throws IOException {
        ch.position(start);
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

    /** Runs the writers, the first on this thread; rethrows the first failure. */
    private static void run(List<Callable<Void>> work) throws IOException {
        ExecutorService pool = work.size() > 1 ? Executors.newFixedThreadPool(work.size() - 1, r -> {
            Thread t = new Thread(r, "safetensors-writer");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            List<Future<Void>> others = new ArrayList<>();
            for (Callable<Void> w : work.subList(1, work.size())) {
                others.add(pool.submit(w));
            }
            Exception first = null;
            try {
                work.get(0).call();
            } catch (Exception e) {
                first = e;
            }
            for (Future<Void> f : others) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    first = first == null && e.getCause() instanceof Exception c ? c : first;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    first = first == null ? e : first;
                }
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first != null) {
                throw new IOException(first.getMessage(), first);
            }
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }
}
