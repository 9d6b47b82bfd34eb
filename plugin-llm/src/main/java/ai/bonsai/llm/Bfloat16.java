package ai.bonsai.llm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * bfloat16 conversion in Java (DJL 0.36's PyTorch engine aborts the process when it copies
 * bfloat16 data into or out of a buffer): widening is exact, narrowing rounds to nearest even as
 * PyTorch does, NaN stays NaN.
 */
final class Bfloat16 {

    private Bfloat16() {
    }

    /**
     * Widens bfloat16 values to float32 in place: the buffer holds {@code n} little-endian
     * bfloat16 values in its upper half, {@code [2n, 4n)}, and receives the {@code n} float32
     * values in native order over its whole length {@code [0, 4n)} (each value is read before the
     * bytes it lies in are written).
     *
     * @param buffer a buffer of {@code 4n} bytes, limit set
     */
    static void widenInPlace(ByteBuffer buffer) {
        int n = buffer.limit() / 4;
        ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = buffer.duplicate().order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putFloat(4 * i, Float.intBitsToFloat((in.getShort(2 * n + 2 * i) & 0xffff) << 16));
        }
    }

    /**
     * Narrows float32 values to little-endian bfloat16.
     *
     * @param src the float32 bytes in native order (position to limit)
     * @param dst receives the bfloat16 bytes from its position
     */
    static void narrow(ByteBuffer src, ByteBuffer dst) {
        ByteBuffer in = src.duplicate().order(ByteOrder.nativeOrder());
        ByteBuffer out = dst.order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 4) {
            out.putShort(narrow(in.getFloat()));
        }
    }

    /**
     * Narrows one value.
     *
     * @param f the value
     * @return its bfloat16 bits
     */
    static short narrow(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
