package ai.bonsai.api.prune;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.IntStream;

/**
 * An immutable, sorted set of distinct channel indices.
 *
 * <pre>{@code
 * IndexSet idxs = IndexSet.of(9, 2, 6);   // [2, 6, 9]
 * IndexSet kept = idxs.complement(16);    // the 13 others
 * }</pre>
 */
public final class IndexSet {

    private static final IndexSet EMPTY = new IndexSet(new int[0]);

    private final int[] sorted;

    private IndexSet(int[] sorted) {
        this.sorted = sorted;
    }

    /**
     * Creates a set from indices in any order; duplicates collapse.
     *
     * @param indices the indices (non-negative)
     * @return the set
     * @throws PruningException if an index is negative
     */
    public static IndexSet of(int... indices) {
        if (indices.length == 0) {
            return EMPTY;
        }
        int[] s = isStrictlyAscending(indices) ? indices.clone() : IntStream.of(indices).sorted().distinct().toArray();
        if (s[0] < 0) {
            throw new PruningException("negative channel index " + s[0]);
        }
        return new IndexSet(s);
    }

    private static boolean isStrictlyAscending(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i - 1] >= a[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Creates a set from a collection of indices.
     *
     * @param indices the indices
     * @return the set
     */
    public static IndexSet of(Collection<Integer> indices) {
        return of(indices.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Returns {@code [0, n)}.
     *
     * @param n the size
     * @return the set
     */
    public static IndexSet range(int n) {
        return new IndexSet(IntStream.range(0, n).toArray());
    }

    /**
     * Returns the number of indices.
     *
     * @return the size
     */
    public int size() {
        return sorted.length;
    }

    /**
     * Tells whether the set is empty.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return sorted.length == 0;
    }

    /**
     * Returns the k-th smallest index.
     *
     * @param k the position
     * @return the index
     */
    public int get(int k) {
        return sorted[k];
    }

    /**
     * Returns the largest index, or -1 when empty.
     *
     * @return the maximum
     */
    public int max() {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    /**
     * Tells whether an index is in the set.
     *
     * @param index the index
     * @return true if present
     */
    public boolean contains(int index) {
        return Arrays.binarySearch(sorted, index) >= 0;
    }

    /**
     * Returns the indices in ascending order (a copy).
     *
     * @return the indices
     */
    public int[] toArray() {
        return sorted.clone();
    }

    /**
     * Returns the indices as a stream, ascending.
     *
     * @return the stream
     */
    public IntStream stream() {
        return IntStream.of(sorted);
    }

    /**
     * Returns the indices of {@code [0, n)} not in this set, i.e. those kept when this set is
     * pruned from {@code n} channels.
     *
     * @param n the channel count
     * @return the complement
     */
    public IndexSet complement(int n) {
        return new IndexSet(IntStream.range(0, n).filter(i -> !contains(i)).toArray());
    }

    /**
     * Returns the union with another set.
     *
     * @param other the other set
     * @return the union
     */
    public IndexSet union(IndexSet other) {
        int[] all = Arrays.copyOf(sorted, sorted.length + other.sorted.length);
        System.arraycopy(other.sorted, 0, all, sorted.length, other.sorted.length);
        return of(all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexSet && Arrays.equals(sorted, ((IndexSet) o).sorted);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sorted);
    }

    @Override
    public String toString() {
        return Arrays.toString(sorted);
    }
}
