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
     * Widens little-endian bfloat16 values to float32 (widening is exact).
     *
     * @param src the bfloat16 bytes (position to limit; an even count)
     * @param dst receives the float32 bytes from its position, in its byte order; its position
     *     moves past them
     */
    static void widen(ByteBuffer src, ByteBuffer dst) {
        ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = in.remaining() / 2;
        int from = in.position();
        int to = dst.position();
        for (int i = 0; i < n; i++) {
            dst.putFloat(to + 4 * i, Float.intBitsToFloat((in.getShort(from + 2 * i) & 0xffff) << 16));
        }
        dst.position(to + 4 * n);
    }

    /**
     * Narrows float32 values to little-endian bfloat16.
     *
     * @param src the float32 bytes (position to limit), in its byte order
     * @param dst receives the little-endian bfloat16 bytes from its position; its position moves
     *     past them
     */
    static void narrow(ByteBuffer src, ByteBuffer dst) {
        int n = src.remaining() / 4;
        int from = src.position();
        ByteBuffer out = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int to = dst.position();
        for (int i = 0; i < n; i++) {
            out.putShort(to + 2 * i, narrow(src.getFloat(from + 4 * i)));
        }
        dst.position(to + 2 * n);
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
