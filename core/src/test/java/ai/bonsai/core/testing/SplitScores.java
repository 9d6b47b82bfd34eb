package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Graph;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The fc2 channels of tiny_mlp that 50 % L2 pruning keeps, computed from the weights: each
 * channel scores its fc2 row plus the input column it feeds in fc3 (first half) or fc4 (second
 * half), or with {@code swapped} the other consumer's column, as Torch-Pruning pairs them.
 */
public final class SplitScores {

    private SplitScores() {
    }

    /**
     * Returns the kept fc2 channels, ascending.
     *
     * @param g the unpruned tiny_mlp graph
     * @param swapped whether to pair the split outputs with their consumers in swapped order
     * @return the channels
     */
    public static List<Integer> topHalf(Graph g, boolean swapped) {
        double[] rows = sums(g, "fc2", true);
        double[] first = sums(g, swapped ? "fc4" : "fc3", false);
        double[] second = sums(g, swapped ? "fc3" : "fc4", false);
        Integer[] order = new Integer[rows.length];
        double[] score = new double[rows.length];
        for (int c = 0; c < rows.length; c++) {
            order[c] = c;
            score[c] = rows[c] + (c < first.length ? first[c] : second[c - first.length]);
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        List<Integer> kept = new ArrayList<>(List.of(order).subList(0, rows.length / 2));
        Collections.sort(kept);
        return kept;
    }

    private static double[] sums(Graph g, String layer, boolean rows) {
        NDArray w = g.node(layer).parameter("weight").array();
        int out = (int) w.getShape().get(0);
        int in = (int) w.getShape().get(1);
        float[] v = w.toFloatArray();
        double[] s = new double[rows ? out : in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                s[rows ? o : i] += (double) v[o * in + i] * v[o * in + i];
            }
        }
        return s;
    }
}
