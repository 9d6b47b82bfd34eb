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
     * Widens little-endian bfloat16 values to float32.
     *
     * @param src the bfloat16 bytes (position to limit)
     * @param dst receives the float32 values in native order
     */
    static void widen(ByteBuffer src, ByteBuffer dst) {
        ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = dst.order(ByteOrder.nativeOrder());
        while (in.remaining() >= 2) {
            out.putFloat(Float.intBitsToFloat((in.getShort() & 0xffff) << 16));
        }
    }

    /**
     * Narrows float32 values to little-endian bfloat16.
     *
     * @param src the float32 bytes in native order (position to limit)
     * @return the bfloat16 bytes, ready to read
     */
    static ByteBuffer narrow(ByteBuffer src) {
        ByteBuffer in = src.duplicate().order(ByteOrder.nativeOrder());
        ByteBuffer out = ByteBuffer.allocate(in.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 4) {
            out.putShort(narrow(in.getFloat()));
        }
        return out.flip();
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
