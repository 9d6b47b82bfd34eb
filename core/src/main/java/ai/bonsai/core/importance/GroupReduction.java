package ai.bonsai.core.importance;

/**
 * How member scores, each indexed by root channel, combine into one group score (Torch-Pruning's
 * {@code group_reduction}).
 */
public enum GroupReduction {
    /** Sum per root index. */
    SUM,
    /** Sum per root index divided by the number of scored members. */
    MEAN,
    /** Maximum per root index. */
    MAX,
    /** Product per root index. */
    PROD,
    /** The first scored member's scores. */
    FIRST,
    /** The last scored member's scores. */
    GATE;

    /**
     * Combines member scores.
     *
     * @param members member scores, in group order
     * @param roots for each member, the root position each score belongs to
     * @param size the number of root positions
     * @return the combined scores (float32 arithmetic, as Torch-Pruning)
     */
    float[] reduce(java.util.List<float[]> members, java.util.List<int[]> roots, int size) {
        float[] out = new float[size];
        if (this == PROD) {
            java.util.Arrays.fill(out, 1f);
        } else if (this == MAX) {
            java.util.Arrays.fill(out, -99999f);
        }
        for (int m = 0; m < members.size(); m++) {
            float[] s = members.get(m);
            int[] r = roots.get(m);
            boolean take = this == FIRST ? m == 0 : this == GATE ? m == members.size() - 1 : true;
            if (!take) {
                continue;
            }
            for (int i = 0; i < s.length; i++) {
                switch (this) {
                    case SUM:
                    case MEAN:
                        out[r[i]] += s[i];
                        break;
                    case MAX:
                        out[r[i]] = Math.max(out[r[i]], s[i]);
                        break;
                    case PROD:
                        out[r[i]] *= s[i];
                        break;
                    default:
                        out[r[i]] = s[i];
                }
            }
        }
        if (this == MEAN) {
            for (int i = 0; i < size; i++) {
                out[i] /= members.size();
            }
        }
        return out;
    }
}
