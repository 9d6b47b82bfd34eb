package ai.bonsai.llm;

import ai.bonsai.api.graph.SourceSelection;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A tensor written as the kept part of a tensor in a source safetensors file, copied block by
 * block without reading the tensor whole. When whole rows (dimension 0) are kept in the source's
 * element type, each run of consecutive kept rows goes from file to file by the system ({@link
 * SafetensorsFile#transfer}, no Java buffer). Otherwise windows of consecutive source rows are
 * read into a chunk buffer, the kept rows' kept elements gathered (a matrix's kept columns element
 * by element through an index array, other selections by runs of consecutive kept indices), and
 * the result written whenever a chunk fills; float32 and bfloat16 are converted into each other
 * on the way. Memory: at most three chunk buffers, each grown to
 * one row if a row is larger. Tensors of any size are copied; a gathered row must fit a Java
 * buffer (1 GB).
 *
 * @param entry the source tensor
 * @param file the file holding it
 * @param selection the kept source indices per dimension
 */
public record SourceGather(SafetensorsFile file, SafetensorsFile.Entry entry, SourceSelection selection)
        implements TensorData {

    /**
     * Tells whether a source's element type can be copied into a file's element type.
     *
     * @param from the source type
     * @param to the written type
     * @return true if the types are equal, or float32 and bfloat16
     */
    public static boolean converts(TensorType from, TensorType to) {
        return from == to || (isWide(from) && isWide(to));
    }

    private static boolean isWide(TensorType t) {
        return t == TensorType.F32 || t == TensorType.BF16;
    }

    @Override
    public void writeTo(WritableByteChannel out, Shape shape, TensorType type, ScratchBuffers scratch)
            throws IOException {
        if (!selection.shape().equals(shape) || !selection.sourceShape().equals(entry.shape())) {
            throw new IOException("the selection " + selection.shape() + " of source tensor '" + entry.name() + "' "
                    + entry.shape() + " in '" + file.path() + "' does not give the header's " + shape);
        }
        if (!converts(entry.type(), type)) {
            throw new IOException("source tensor '" + entry.name() + "' is " + entry.type() + ", cannot copy it as "
                    + type);
        }
        new Copy(out, type, scratch).run();
    }

    /** One copy in progress: the row layout, the buffers and the output position. */
    private final class Copy {

        private final WritableByteChannel out;
        private final TensorType type;
        private final ScratchBuffers scratch;
        private final int element = entry.type().bytes();
        private final long[] dims = entry.shape().getShape();
        private final int[][] kept = selection.kept();
        private final long[] strides = new long[Math.max(dims.length, 1)];
        private final int lastSelected;
        private final int[][] runs;
        private final long rowBytes;
        private final long keptRowBytes;
        /** A matrix losing columns, elements of 2 or 4 bytes: gathered element by element. */
        private final boolean columns;
        private ByteBuffer staged;
        private ShortBuffer inShorts;
        private ShortBuffer stagedShorts;
        private IntBuffer inInts;
        private IntBuffer stagedInts;
        private short[] rowShorts;
        private short[] keptShorts;
        private int[] rowInts;
        private int[] keptInts;

        Copy(WritableByteChannel out, TensorType type, ScratchBuffers scratch) {
            this.out = out;
            this.type = type;
            this.scratch = scratch;
            long stride = element;
            for (int d = dims.length - 1; d >= 0; d--) {
                strides[d] = stride;
                stride *= dims[d];
            }
            if (dims.length == 0) {
                strides[0] = element;
            }
            int last = dims.length - 1;
            while (last >= 1 && kept[last] == null) {
                last--;
            }
            lastSelected = last;
            runs = last >= 1 ? runs(kept[last]) : null;
            rowBytes = dims.length == 0 ? element : strides[0];
            keptRowBytes = selection.shape().size() / Math.max(1, rowCount()) * element;
            columns = dims.length == 2 && kept[1] != null && (element == 2 || element == 4);
        }

        private long rowCount() {
            return dims.length == 0 ? 1 : kept[0] == null ? dims[0] : kept[0].length;
        }

        private long row(int i) {
            return dims.length == 0 || kept[0] == null ? i : kept[0][i];
        }

        void run() throws IOException {
            long n = rowCount();
            try (FileChannel ch = file.channel()) {
                if (type == entry.type() && lastSelected < 1) {
                    transferRuns(ch, n);
                } else {
                    gatherRows(ch, n);
                }
            }
        }

        private void gatherRows(FileChannel ch, long n) throws IOException {
            if (rowBytes > Integer.MAX_VALUE / 2 || keptRowBytes > Integer.MAX_VALUE / 2) {
                throw new IOException("a row of source tensor '" + entry.name() + "' " + entry.shape()
                        + " takes " + rowBytes + " bytes, more than a Java buffer holds");
            }
            int chunk = scratch.chunkBytes();
            long window = Math.max(1, chunk / rowBytes);
            ByteBuffer in = scratch.direct(0, (int) Math.max(chunk, rowBytes));
            staged = scratch.direct(1, (int) Math.max(chunk, keptRowBytes));
            if (columns) {
                views(in);
            }
            int i = 0;
            while (i < n) {
                long first = row(i);
                int j = i + 1;
                while (j < n && row(j) < first + window) {
                    j++;
                }
                long last = row(j - 1);
                in.clear().limit((int) ((last - first + 1) * rowBytes));
                file.read(ch, entry, first * rowBytes, in);
                for (int k = i; k < j; k++) {
                    if (staged.remaining() < keptRowBytes) {
                        flush();
                    }
                    gatherRow(in, (row(k) - first) * rowBytes);
                }
                i = j;
            }
            flush();
        }

        /** Prepares element views of the buffers, both in native order (bits are copied as they are). */
        private void views(ByteBuffer in) {
            int width = (int) dims[1];
            int keptWidth = kept[1].length;
            ByteBuffer src = in.duplicate().clear().order(ByteOrder.nativeOrder());
            ByteBuffer dst = staged.duplicate().clear().order(ByteOrder.nativeOrder());
            if (element == 2) {
                inShorts = src.asShortBuffer();
                stagedShorts = dst.asShortBuffer();
                rowShorts = new short[width];
                keptShorts = new short[keptWidth];
            } else {
                inInts = src.asIntBuffer();
                stagedInts = dst.asIntBuffer();
                rowInts = new int[width];
                keptInts = new int[keptWidth];
            }
        }

        /** Copies the kept columns of one row, element by element, into the staged bytes. */
        private void gatherColumns(long offset) {
            int[] cols = kept[1];
            int at = staged.position();
            if (element == 2) {
                inShorts.get((int) (offset / 2), rowShorts);
                for (int k = 0; k < cols.length; k++) {
                    keptShorts[k] = rowShorts[cols[k]];
                }
                stagedShorts.put(at / 2, keptShorts);
            } else {
                inInts.get((int) (offset / 4), rowInts);
                for (int k = 0; k < cols.length; k++) {
                    keptInts[k] = rowInts[cols[k]];
                }
                stagedInts.put(at / 4, keptInts);
            }
            staged.position(at + cols.length * element);
        }

        /** Copies each run of consecutive kept rows from file to file. */
        private void transferRuns(FileChannel ch, long n) throws IOException {
            int i = 0;
            while (i < n) {
                int j = i + 1;
                while (j < n && row(j) == row(j - 1) + 1) {
                    j++;
                }
                file.transfer(ch, entry, row(i) * rowBytes, (j - i) * rowBytes, out);
                i = j;
            }
        }

        /** Copies the kept elements of one source row, which starts at a byte offset of {@code in}. */
        private void gatherRow(ByteBuffer in, long offset) {
            if (columns) {
                gatherColumns(offset);
            } else if (lastSelected < 1) {
                copy(in, offset, (int) rowBytes);
            } else {
                gather(in, 1, offset);
            }
        }

        /** Copies the kept elements of dimensions {@code dim…}, 1 to the last selected one. */
        private void gather(ByteBuffer in, int dim, long offset) {
            if (dim == lastSelected) {
                for (int[] r : runs) {
                    copy(in, offset + r[0] * strides[dim], (int) (r[1] * strides[dim]));
                }
                return;
            }
            int count = kept[dim] == null ? (int) dims[dim] : kept[dim].length;
            for (int i = 0; i < count; i++) {
                long index = kept[dim] == null ? i : kept[dim][i];
                gather(in, dim + 1, offset + index * strides[dim]);
            }
        }

        private void copy(ByteBuffer in, long offset, int length) {
            staged.put(staged.position(), in, (int) offset, length);
            staged.position(staged.position() + length);
        }

        private void flush() throws IOException {
            staged.flip();
            if (type == entry.type()) {
                TensorData.writeFully(out, staged);
            } else if (type == TensorType.BF16) {
                ByteBuffer narrow = scratch.direct(2, staged.remaining() / 2);
                Bfloat16.narrow(staged.order(ByteOrder.LITTLE_ENDIAN), narrow);
                TensorData.writeFully(out, narrow.flip());
            } else {
                ByteBuffer wide = scratch.direct(2, staged.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
                Bfloat16.widen(staged, wide);
                TensorData.writeFully(out, wide.flip());
            }
            staged.clear();
        }
    }

    /** Splits ascending indices into runs of consecutive ones: {start, length} each. */
    private static int[][] runs(int[] indices) {
        int count = 0;
        for (int i = 0; i < indices.length; i++) {
            if (i == 0 || indices[i] != indices[i - 1] + 1) {
                count++;
            }
        }
        int[][] out = new int[count][];
        int r = -1;
        for (int i = 0; i < indices.length; i++) {
            if (i == 0 || indices[i] != indices[i - 1] + 1) {
                out[++r] = new int[] {indices[i], 0};
            }
            out[r][1]++;
        }
        return out;
    }
}
