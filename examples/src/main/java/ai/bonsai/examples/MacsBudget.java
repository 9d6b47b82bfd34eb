package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.OpCounter;
import java.util.function.Supplier;

/**
 * Finds the pruning ratio that brings a model to a fraction of its MACs, by bisection over the
 * ratio; each trial prunes a fresh copy of the model.
 *
 * <pre>{@code
 * double ratio = new MacsBudget(0.5, 0.9).ratio(checkpoint::restore, Variant.magnitude());
 * }</pre>
 *
 * @param fraction the target MACs as a fraction of the unpruned model's, in (0, 1)
 * @param maxRatio the largest ratio tried
 */
record MacsBudget(double fraction, double maxRatio) {

    private static final int BISECTIONS = 14;

    /**
     * Returns the smallest ratio (within 2^-14 of the search range) whose pruned model has at
     * most {@code fraction} of the MACs.
     *
     * @param fresh builds an unpruned copy of the model
     * @param variant how to prune
     * @return the ratio
     * @throws IllegalStateException if even {@code maxRatio} leaves more MACs than the target
     */
    double ratio(Supplier<Graph> fresh, Variant variant) {
        long target;
        try (Graph g = fresh.get()) {
            target = (long) Math.floor(OpCounter.count(g).macs() * fraction);
        }
        if (macsAt(fresh, variant, maxRatio) > target) {
            throw new IllegalStateException(variant.name() + ": ratio " + maxRatio
                    + " leaves more than " + fraction + " of the MACs");
        }
        double lo = 0;
        double hi = maxRatio;
        for (int i = 0; i < BISECTIONS; i++) {
            double mid = (lo + hi) / 2;
            if (macsAt(fresh, variant, mid) <= target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    private static long macsAt(Supplier<Graph> fresh, Variant variant, double ratio) {
        try (Graph g = fresh.get()) {
            variant.prune(g, ratio);
            return OpCounter.count(g).macs();
        }
    }
}
