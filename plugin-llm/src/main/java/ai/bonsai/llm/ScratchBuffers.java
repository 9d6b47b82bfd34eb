package ai.bonsai.llm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Reusable direct buffers for reading or writing tensors one block after the other (handed to a
 * file channel, which would otherwise copy a heap buffer into a cached direct one, or to the
 * engine). Reusing them keeps the process from holding one dead buffer per tensor until the next
 * garbage collection. The chunk size bounds how much of a tensor is staged at a time. Use the
 * slots under the object's lock: {@code synchronized (scratch) { … }}; readers that work in
 * parallel {@linkplain #acquire acquire} buffers of their own from a pool instead.
 */
public final class ScratchBuffers {

    /**
     * The default chunk size: 1 MB, small enough to stay in the processor's caches between being
     * read and being copied out.
     */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    /** The buffers a caller may use at the same time (reading, staging, converting). */
    public static final int SLOTS = 3;

    private final int chunkBytes;
    private final ByteBuffer[] direct = new ByteBuffer[SLOTS];
    private final Deque<ByteBuffer> pool = new ConcurrentLinkedDeque<>();

    /** Buffers with the {@linkplain #DEFAULT_CHUNK_BYTES default chunk size}. */
    public ScratchBuffers() {
        this(DEFAULT_CHUNK_BYTES);
    }

    /**
     * Buffers with a chunk size.
     *
     * @param chunkBytes the bytes staged at a time (at least 8)
     * @throws IllegalArgumentException if the size is below 8
     */
    public ScratchBuffers(int chunkBytes) {
        if (chunkBytes < 8) {
            throw new IllegalArgumentException("chunk size must be at least 8 bytes, found " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
        for (int i = 0; i < SLOTS; i++) {
            direct[i] = ByteBuffer.allocateDirect(0);
        }
    }

    /**
     * Returns the chunk size.
     *
     * @return the bytes staged at a time
     */
    public int chunkBytes() {
        return chunkBytes;
    }

    /**
     * Returns the first direct buffer, grown to at least {@code bytes}, cleared, limited to
     * {@code bytes}, in native order.
     *
     * @param bytes the bytes needed
     * @return the buffer
     */
    public ByteBuffer direct(int bytes) {
        return direct(0, bytes);
    }

    /**
     * Returns one of the direct buffers, grown to at least {@code bytes}, cleared, limited to
     * {@code bytes}, in native order.
     *
     * @param slot which buffer, {@code 0} to {@link #SLOTS}{@code  - 1}
     * @param bytes the bytes needed
     * @return the buffer
     */
    public ByteBuffer direct(int slot, int bytes) {
        if (direct[slot].capacity() < bytes) {
            direct[slot] = ByteBuffer.allocateDirect(bytes);
        }
        direct[slot].clear().limit(bytes);
        return direct[slot].order(ByteOrder.nativeOrder());
    }

    /**
     * Takes a direct buffer of at least {@code bytes} from the pool, or allocates one; thread
     * safe, no lock needed. Give it back when done.
     *
     * @param bytes the bytes needed
     * @return the buffer, cleared, limited to {@code bytes}, in native order
     */
    public ByteBuffer acquire(int bytes) {
        ByteBuffer b = pool.pollFirst();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(bytes);
        }
        b.clear().limit(bytes);
        return b.order(ByteOrder.nativeOrder());
    }

    /**
     * Returns a buffer taken by {@link #acquire} to the pool.
     *
     * @param buffer the buffer
     */
    public void giveBack(ByteBuffer buffer) {
        pool.offerFirst(buffer);
    }
}
