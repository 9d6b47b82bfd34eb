package ai.bonsai.core.depgraph;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Channel indices paired with the root index each derives from; each index appears once.
 *
 * @param idx the indices
 * @param root the root index of each
 */
record IndexPairs(int[] idx, int[] root) {

    boolean isEmpty() {
        return idx.length == 0;
    }

    /**
     * Returns a copy sorted by index, root indices moved along.
     *
     * @return the sorted pairs
     */
    IndexPairs sorted() {
        boolean ascending = true;
        for (int i = 1; i < idx.length && ascending; i++) {
            ascending = idx[i - 1] < idx[i];
        }
        if (ascending) {
            return this;
        }
        long[] packed = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            packed[i] = ((long) idx[i] << 32) | i;
        }
        Arrays.sort(packed);
        int[] i2 = new int[idx.length];
        int[] r2 = new int[idx.length];
        for (int i = 0; i < packed.length; i++) {
            int from = (int) packed[i];
            i2[i] = idx[from];
            r2[i] = root[from];
        }
        return new IndexPairs(i2, r2);
    }

    /** Collects pairs, keeping the first root of a repeated index. */
    static final class Builder {
        private int[] idx = new int[16];
        private int[] root = new int[16];
        private int size;
        private final BitSet seen = new BitSet();

        Builder add(int i, int r) {
            if (seen.get(i)) {
                return this;
            }
            seen.set(i);
            if (size == idx.length) {
                idx = Arrays.copyOf(idx, size * 2);
                root = Arrays.copyOf(root, size * 2);
            }
            idx[size] = i;
            root[size] = r;
            size++;
            return this;
        }

        boolean contains(int i) {
            return seen.get(i);
        }

        int size() {
            return size;
        }

        IndexPairs build() {
            return new IndexPairs(Arrays.copyOf(idx, size), Arrays.copyOf(root, size));
        }
    }
}
