package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Removal of whole attention heads ({@code pruneNumHeads}), as Torch-Pruning 1.6: a group is an
 * attention group when one of its output handles belongs to a node with declared heads; its head
 * scores are the mean of its channel scores over each head's {@code [h·d, (h+1)·d)}. Local
 * pruning removes {@code ceil(headRatio_k × heads)} lowest heads per group; global pruning ranks
 * every attention group's heads together against a threshold, the total initial heads shrinking
 * to {@code int(initial × (1 − headRatio_k))}. Grouped-query attention (fewer key/value heads)
 * is not special-cased.
 */
final class HeadPruning {

    private final PruningConfig config;
    private final ChannelGrouping grouping;
    private int initialTotalHeads = -1;

    HeadPruning(PruningConfig config, ChannelGrouping grouping) {
        this.config = config;
        this.grouping = grouping;
    }

    /** The heads of one attention group in this step, and those chosen for removal. */
    static final class Heads {
        private final List<Node> nodes;
        private final double[] scores;
        private final int headDim;
        private int[] chosen = new int[0];

        Heads(List<Node> nodes, double[] scores, int headDim) {
            this.nodes = nodes;
            this.scores = scores;
            this.headDim = headDim;
        }

        /**
         * Returns the root channel positions of the chosen heads.
         *
         * @return the positions
         */
        IntStream chosenChannels() {
            return Arrays.stream(chosen).flatMap(h -> IntStream.range(h * headDim, (h + 1) * headDim));
        }
    }

    /**
     * Tells whether a group is an attention group.
     *
     * @param g the group
     * @return true if an output handle of it has declared heads
     */
    boolean isAttention(Group g) {
        return !headNodes(g).isEmpty();
    }

    private List<Node> headNodes(Group g) {
        List<Node> nodes = new ArrayList<>();
        for (GroupMember m : g.members()) {
            if (m.handle() == PruningHandle.PRUNE_OUT && grouping.heads(m.node()).isPresent()) {
                nodes.add(m.node());
            }
        }
        return nodes;
    }

    /**
     * Scores a group's heads, when heads are pruned and it is an attention group.
     *
     * @param g the group
     * @param channelScores its channel scores
     * @return the heads
     */
    Optional<Heads> scores(Group g, double[] channelScores) {
        List<Node> nodes = headNodes(g);
        if (!config.pruneNumHeads() || nodes.isEmpty()) {
            return Optional.empty();
        }
        int heads = nodes.stream().mapToInt(n -> grouping.heads(n).orElseThrow()).max().orElseThrow();
        int dim = channelScores.length / heads;
        double[] s = new double[heads];
        for (int h = 0; h < heads; h++) {
            float sum = 0;
            for (int i = 0; i < dim; i++) {
                sum += (float) channelScores[h * dim + i];
            }
            s[h] = sum / dim;
        }
        return Optional.of(new Heads(nodes, s, dim));
    }

    /**
     * Chooses the heads to remove in every attention group of the step.
     *
     * @param all the attention groups' heads
     * @param ratio the head ratio to reach this step
     */
    void selectAll(List<Heads> all, double ratio) {
        if (initialTotalHeads < 0) {
            initialTotalHeads = all.stream().mapToInt(h -> h.scores.length).sum();
        }
        if (ratio <= 0 || all.isEmpty()) {
            return;
        }
        if (!config.globalPruning()) {
            for (Heads h : all) {
                h.chosen = lowest(h.scores, (int) Math.ceil(ratio * h.scores.length));
            }
            return;
        }
        double[] concat = all.stream().flatMapToDouble(h -> Arrays.stream(h.scores)).sorted().toArray();
        int removed = concat.length - (int) (initialTotalHeads * (1 - ratio));
        if (removed <= 0) {
            return;
        }
        double thres = concat[removed - 1];
        for (Heads h : all) {
            h.chosen = IntStream.range(0, h.scores.length).filter(i -> h.scores[i] <= thres).toArray();
        }
    }

    /**
     * Records that a group's chosen heads were removed.
     *
     * @param h the group's heads
     */
    void commit(Heads h) {
        int max = h.nodes.stream().mapToInt(n -> grouping.heads(n).orElseThrow()).max().orElseThrow();
        for (Node n : h.nodes) {
            if (grouping.heads(n).orElseThrow() == max) {
                grouping.removeHeads(n, h.chosen.length);
            }
        }
    }

    private static int[] lowest(double[] s, int k) {
        return IntStream.range(0, s.length).boxed()
                .sorted((a, b) -> Double.compare(s[a], s[b]))
                .limit(k).mapToInt(Integer::intValue).sorted().toArray();
    }
}
