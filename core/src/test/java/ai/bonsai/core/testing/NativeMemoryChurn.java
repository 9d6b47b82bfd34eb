package ai.bonsai.core.testing;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the garbage collector free every unreachable direct buffer and fills freed native memory
 * with NaN bit patterns, so that a tensor that still reads memory owned by a collected Java buffer
 * reads garbage deterministically instead of, by luck, the old value.
 */
public final class NativeMemoryChurn {

    private static final int ROUNDS = 3;
    private static final int BUFFERS_PER_SIZE = 256;
    private static final int MAX_SIZE = 256;
    private static final int NAN_BITS = 0x7fc00000;

    private static final List<ByteBuffer> HELD = new ArrayList<>();

    private NativeMemoryChurn() {
    }

    /**
     * Collects garbage until the collector has demonstrably run, then reallocates small native
     * blocks (the sizes of scalar and small tensors) filled with NaN, held until the next call.
     */
    public static synchronized void churn() {
        HELD.clear();
        for (int round = 0; round < ROUNDS; round++) {
            WeakReference<Object> sentinel = new WeakReference<>(new Object());
            while (sentinel.get() != null) {
                System.gc();
            }
            pause();
            for (int size = 4; size <= MAX_SIZE; size += 4) {
                for (int i = 0; i < BUFFERS_PER_SIZE / (size / 4 + 3) + 1; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(size);
                    for (int at = 0; at + 4 <= size; at += 4) {
                        b.putInt(at, NAN_BITS);
                    }
                    HELD.add(b);
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
