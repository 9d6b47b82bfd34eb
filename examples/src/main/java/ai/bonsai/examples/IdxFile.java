package ai.bonsai.examples;

import ai.bonsai.api.model.ModelFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An array of unsigned bytes in the IDX format of MNIST and Fashion-MNIST, read from a plain or
 * gzip-compressed file (recognised by its content, not its name).
 *
 * <p>The format: two zero bytes, a type code ({@code 0x08} for unsigned bytes, the only type
 * read here), the number of dimensions, each dimension as a big-endian 32-bit integer, then the
 * data in row-major order.
 *
 * @param dims the dimensions, outermost first ({@code [60000, 28, 28]} for training images)
 * @param data the values, row-major, as stored (read them with {@code Byte.toUnsignedInt})
 */
public record IdxFile(int[] dims, byte[] data) {

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int GZIP_MAGIC = 0x1f8b;

    /**
     * Reads an IDX file of unsigned bytes.
     *
     * @param file the file, plain or gzip-compressed
     * @return its dimensions and data
     * @throws ModelFormatException naming the file if it cannot be read, is not an IDX file of
     *     unsigned bytes, or is shorter than its dimensions say
     */
    public static IdxFile read(Path file) {
        try (InputStream in = open(file); DataInputStream data = new DataInputStream(in)) {
            int magic = data.readInt();
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UNSIGNED_BYTE) {
                throw new ModelFormatException("'" + file + "' is not an IDX file of unsigned"
                        + " bytes: magic number 0x" + String.format("%08x", magic)
                        + ", expected 0x000008NN");
            }
            int[] dims = new int[magic & 0xff];
            long size = 1;
            for (int d = 0; d < dims.length; d++) {
                dims[d] = data.readInt();
                if (dims[d] < 0) {
                    throw new ModelFormatException("'" + file + "': dimension " + d
                            + " is negative (" + dims[d] + ")");
                }
                size *= dims[d];
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException("'" + file + "': " + size + " values "
                        + Arrays.toString(dims) + " do not fit in one array");
            }
            byte[] values = new byte[(int) size];
            int read = data.readNBytes(values, 0, values.length);
            if (read < values.length) {
                throw new ModelFormatException("'" + file + "' is truncated: dimensions "
                        + Arrays.toString(dims) + " need " + values.length + " bytes of data, found "
                        + read);
            }
            return new IdxFile(dims, values);
        } catch (EOFException e) {
            throw new ModelFormatException("'" + file + "' is truncated within its header", e);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int magic = (in.read() << 8) | in.read();
        in.reset();
        return magic == GZIP_MAGIC ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /**
     * Returns the number of items: the first dimension.
     *
     * @return the item count
     */
    public int count() {
        return dims[0];
    }

    /**
     * Returns the number of values per item: the product of every dimension but the first.
     *
     * @return the item size
     */
    public int itemSize() {
        int size = 1;
        for (int d = 1; d < dims.length; d++) {
            size *= dims[d];
        }
        return size;
    }
}
