package ai.bonsai.core.pruner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of groups whose channel scores are ranked together (Torch-Pruning's ranking scope): one
 * group under local pruning, every group under global pruning, the groups of one structure
 * under isomorphic pruning, the groups of one ratio pattern.
 *
 * <p>The scope removes {@code n = len(scores) − int(initial × (1 − ratio))} channels, where
 * {@code initial} is the scope's size at its first step. A scope of one local group takes its
 * {@code n} lowest scores (a stable ascending sort breaks ties by position); any other scope
 * takes, in every group, each channel scoring at most the {@code n}-th smallest score of the
 * whole scope. With {@code roundTo} r, a group's channels left are rounded down to a multiple
 * of r and its lowest-scored channels taken. A group of g channel groups (a grouped convolution,
 * a group norm, heads) keeps as many positions in each of them, so it rounds its positions left
 * to a multiple of {@code r / gcd(r, g)}: the channels left, g times the positions, are then a
 * multiple of r (Torch-Pruning rounds the positions against the channel count, which leaves
 * such a group with no channel or an uneven count).
 */
final class RankingScope {

    private final boolean threshold;
    private final double ratio;
    private final List<double[]> scores = new ArrayList<>();
    private final List<Integer> channelGroups = new ArrayList<>();

    /**
     * Creates an empty scope.
     *
     * @param threshold rank by a scope-wide threshold (any scope but a local one)
     * @param ratio the ratio to reach this step
     */
    RankingScope(boolean threshold, double ratio) {
        this.threshold = threshold;
        this.ratio = ratio;
    }

    /**
     * Adds a group's scores (per channel position; averaged over channel groups already).
     *
     * @param groupScores the scores
     * @param groups the number of channel groups the positions repeat in (1 when none)
     * @return the group's position in the scope
     */
    int add(double[] groupScores, int groups) {
        scores.add(groupScores);
        channelGroups.add(groups);
        return scores.size() - 1;
    }

    /**
     * Returns the number of channel positions in the scope.
     *
     * @return the total length of its scores
     */
    int size() {
        return scores.stream().mapToInt(s -> s.length).sum();
    }

    /**
     * Chooses the channel positions to remove from every group of the scope.
     *
     * @param initial the scope's size at its first step
     * @param roundTo channels left are rounded down to a multiple of this
     * @return per group (in the order added), the positions to remove, ascending
     */
    List<int[]> select(int initial, int roundTo) {
        List<int[]> out = new ArrayList<>(scores.size());
        int pruned = size() - (int) (initial * (1 - ratio));
        if (pruned <= 0) {
            scores.forEach(s -> out.add(new int[0]));
            return out;
        }
        double thres = threshold ? kthSmallest(pruned) : Double.NaN;
        for (int g = 0; g < scores.size(); g++) {
            double[] s = scores.get(g);
            int[] order = ascending(s);
            int n;
            if (threshold) {
                n = (int) Arrays.stream(s).filter(v -> v <= thres).count();
            } else {
                n = Math.min(pruned, s.length);
            }
            int unit = roundTo / gcd(roundTo, channelGroups.get(g));
            if (n > 0 && unit > 1) {
                int left = s.length - n;
                left -= left % unit;
                n = Math.max(s.length - left, 0);
            }
            int[] chosen = threshold && unit <= 1
                    ? positionsAtMost(s, thres) : Arrays.copyOf(order, n);
            Arrays.sort(chosen);
            out.add(chosen);
        }
        return out;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private double kthSmallest(int k) {
        double[] all = new double[size()];
        int i = 0;
        for (double[] s : scores) {
            System.arraycopy(s, 0, all, i, s.length);
            i += s.length;
        }
        Arrays.sort(all);
        return all[Math.min(k, all.length) - 1];
    }

    private static int[] positionsAtMost(double[] s, double thres) {
        int[] p = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (s[i] <= thres) {
                p[n++] = i;
            }
        }
        return Arrays.copyOf(p, n);
    }

    private static int[] ascending(double[] s) {
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]));
        int[] o = new int[order.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = order[i];
        }
        return o;
    }
}
