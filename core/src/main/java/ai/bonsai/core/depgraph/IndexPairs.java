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
        Integer[] order = new Integer[idx.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(idx[a], idx[b]));
        int[] i2 = new int[idx.length];
        int[] r2 = new int[idx.length];
        for (int i = 0; i < order.length; i++) {
            i2[i] = idx[order[i]];
            r2[i] = root[order[i]];
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
