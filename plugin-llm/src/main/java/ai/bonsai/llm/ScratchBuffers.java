package ai.bonsai.llm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reusable direct buffer for reading or writing tensors one after the other (handed to the
 * engine, which copies out of it at once, or to a file channel, which would otherwise copy a heap
 * buffer into a cached direct one). Reusing it keeps the process from holding one dead buffer per
 * tensor until the next garbage collection. Use it under the object's lock: {@code synchronized
 * (scratch) { … }}.
 */
public final class ScratchBuffers {

    private ByteBuffer direct = ByteBuffer.allocateDirect(0);

    /**
     * Returns the direct buffer, grown to at least {@code bytes}, cleared, limited to {@code
     * bytes}, in native order.
     *
     * @param bytes the bytes needed
     * @return the buffer
     */
    public ByteBuffer direct(int bytes) {
        if (direct.capacity() < bytes) {
            direct = ByteBuffer.allocateDirect(bytes);
        }
        direct.clear().limit(bytes);
        return direct.order(ByteOrder.nativeOrder());
    }

}
