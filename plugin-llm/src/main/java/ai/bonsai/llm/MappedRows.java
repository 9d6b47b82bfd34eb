package ai.bonsai.llm;

import ai.bonsai.api.graph.RowReader;
import ai.bonsai.api.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the rows of a float32 or bfloat16 tensor of a safetensors file as float32: a window of
 * consecutive rows (one chunk) is read at a time with a positional read, and each row converted
 * out of it, so that scoring a weight takes one chunk of memory and never the whole tensor.
 */
final class MappedRows implements RowReader {

    private final SafetensorsFile file;
    private final SafetensorsFile.Entry entry;
    private final ScratchBuffers scratch;
    private final long rowBytes;
    private final long rows;
    private final int windowRows;
    private final FileChannel channel;
    private final ByteBuffer window;
    private final ShortBuffer shorts;
    private final FloatBuffer floats;
    private short[] bits = new short[0];
    private long first = -1;
    private long count;

    /**
     * Opens a reader.
     *
     * @param file the file
     * @param entry the tensor, float32 or bfloat16, whose rows fit a chunk buffer
     * @param scratch the pool the window buffer comes from
     * @throws ModelFormatException if the file cannot be opened
     */
    MappedRows(SafetensorsFile file, SafetensorsFile.Entry entry, ScratchBuffers scratch) {
        this.file = file;
        this.entry = entry;
        this.scratch = scratch;
        long[] shape = entry.shape().getShape();
        this.rows = shape.length == 0 ? 1 : shape[0];
        this.rowBytes = rows == 0 ? 0 : (entry.end() - entry.begin()) / rows;
        this.windowRows = (int) Math.max(1, Math.min(rows, scratch.chunkBytes() / Math.max(1, rowBytes)));
        try {
            this.channel = file.channel();
        } catch (IOException e) {
            throw new ModelFormatException("safetensors file '" + file.path() + "': cannot open: " + e.getMessage(), e);
        }
        this.window = scratch.acquire(Math.toIntExact(windowRows * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        this.shorts = window.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear().asShortBuffer();
        this.floats = window.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear().asFloatBuffer();
    }

    @Override
    public void read(int row, float[] dst) {
        if (row < first || row >= first + count) {
            load(row);
        }
        int offset = (int) ((row - first) * rowBytes);
        if (entry.type() == TensorType.BF16) {
            if (bits.length < dst.length) {
                bits = new short[dst.length];
            }
            shorts.get(offset / 2, bits, 0, dst.length);
            for (int i = 0; i < dst.length; i++) {
                dst[i] = Float.intBitsToFloat(bits[i] << 16);
            }
        } else {
            floats.get(offset / 4, dst);
        }
    }

    private void load(int row) {
        first = row;
        count = Math.min(windowRows, rows - row);
        window.clear().limit((int) (count * rowBytes));
        try {
            file.read(channel, entry, first * rowBytes, window);
            window.flip();
        } catch (IOException e) {
            throw new ModelFormatException("safetensors file '" + file.path() + "': tensor '" + entry.name()
                    + "': cannot read rows from " + row + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        scratch.giveBack(window);
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written: a failed close loses nothing
        }
    }
}
