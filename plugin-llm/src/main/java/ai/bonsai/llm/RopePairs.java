package ai.bonsai.llm;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The rotary pairs a head keeps after head-dimension pruning. Under Hugging Face's {@code
 * rotate_half} convention, dimensions i and i + d/2 of a head of size d rotate together with
 * frequency {@code inv_freq[i]}, computed from the head size the model was trained with. A pruned
 * head keeps some of those pairs, in their original order, and must keep their original
 * frequencies (not those the formula gives for the smaller head size): kept pair m of a head of
 * size d' is dimensions m and m + d'/2 with frequency {@code inv_freq[kept[m]]} of the base size.
 * The attention scale stays {@code 1/sqrt(baseHeadDim)} as well, so that the pruned model computes
 * what the original computes with the removed dimensions zeroed.
 *
 * @param baseHeadDim the head size the frequencies and the attention scale are defined with
 * @param kept the kept pair indices, ascending, each below {@code baseHeadDim / 2}
 */
public record RopePairs(int baseHeadDim, List<Integer> kept) {

    /** The rotary node attribute holding {@link #kept} (absent: every pair). */
    public static final String PAIRS = "rope_pairs";
    /** The rotary node attribute holding {@link #baseHeadDim} (absent: the node's head_dim). */
    public static final String BASE_HEAD_DIM = "rope_head_dim";

    /**
     * Validates and copies the pairs.
     *
     * @throws GraphException if the pairs are not ascending and below {@code baseHeadDim / 2}
     */
    public RopePairs {
        kept = List.copyOf(kept);
        for (int m = 0; m < kept.size(); m++) {
            int i = kept.get(m);
            if (i < 0 || i >= baseHeadDim / 2 || (m > 0 && i <= kept.get(m - 1))) {
                throw new GraphException("rotary pairs " + kept + " must ascend, each in [0, "
                        + baseHeadDim / 2 + ")");
            }
        }
    }

    /**
     * Every pair of an unpruned head.
     *
     * @param headDim the head size (even)
     * @return pairs 0 … headDim/2 − 1 of that size
     */
    public static RopePairs all(int headDim) {
        return new RopePairs(headDim, IntStream.range(0, headDim / 2).boxed().toList());
    }

    /**
     * Tells whether no pair was removed.
     *
     * @return true if every pair of the base size is kept
     */
    public boolean isAll() {
        return kept.size() == baseHeadDim / 2;
    }

    /**
     * Returns the head size these pairs span.
     *
     * @return {@code 2 × kept pairs}
     */
    public int headDim() {
        return 2 * kept.size();
    }

    /**
     * Returns the inverse frequencies of the kept pairs.
     *
     * @param rope the base and scaling
     * @return one inverse frequency per kept pair, those of the base head size
     */
    public double[] inverseFrequencies(RopeScaling rope) {
        double[] all = rope.inverseFrequencies(baseHeadDim);
        return kept.stream().mapToDouble(i -> all[i]).toArray();
    }

    /**
     * Returns the pairs left after removing some.
     *
     * @param positions positions in {@link #kept} (not pair indices) removed
     * @return the remaining pairs
     */
    public RopePairs without(int[] positions) {
        List<Integer> left = IntStream.range(0, kept.size())
                .filter(m -> IntStream.of(positions).noneMatch(p -> p == m)).mapToObj(kept::get).toList();
        return new RopePairs(baseHeadDim, left);
    }

    /**
     * Adds these pairs to a rotary node's attributes (nothing when every pair is kept).
     *
     * @param a the attributes
     * @return the attributes with {@value #PAIRS} and {@value #BASE_HEAD_DIM}
     */
    public Attributes addTo(Attributes a) {
        return isAll() ? a : a.with(BASE_HEAD_DIM, (long) baseHeadDim).with(PAIRS, pairIndices());
    }

    /**
     * Returns the kept pair indices as the {@value #PAIRS} attribute holds them.
     *
     * @return the indices
     */
    public long[] pairIndices() {
        return kept.stream().mapToLong(Integer::longValue).toArray();
    }

    /**
     * Reads the pairs of a rotary node.
     *
     * @param a its attributes
     * @return the pairs; every pair of its {@code head_dim} when the attributes are absent
     * @throws GraphException if the pairs do not span the node's {@code head_dim}
     */
    public static RopePairs from(Attributes a) {
        int headDim = a.getInt("head_dim");
        if (!a.has(PAIRS)) {
            return all(headDim);
        }
        RopePairs p = new RopePairs(a.getInt(BASE_HEAD_DIM),
                Arrays.stream(a.getLongs(PAIRS)).mapToInt(Math::toIntExact).boxed().toList());
        if (p.headDim() != headDim) {
            throw new GraphException(PAIRS + " " + p.kept() + " hold " + p.headDim()
                    + " dimensions, head_dim is " + headDim);
        }
        return p;
    }
}
