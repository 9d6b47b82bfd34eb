package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.depgraph.DependencyGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Removal of whole attention heads ({@code pruneNumHeads}), as Torch-Pruning 1.6: a group is an
 * attention group when one of its output handles belongs to a node with declared heads (H, the
 * largest current count declared in the group). Heads are scored and chosen in the channel space
 * of the member that knows heads: the first member whose op type lays its channels out in heads
 * ({@link ai.bonsai.api.op.OpType#attentionHeads}, core's {@code attention} and {@code
 * multihead_attention}), else the first node with declared heads. With D = channels / H of that
 * member, head h is its channels {@code [h·D, (h+1)·D)}, and the head's root channels are every
 * root channel that reaches them (the member's paired root indices when they map its channels one
 * to one onto the root's, else the root's part of the head's own pruning group): q, k and v rows
 * of a packed projection alike; a head no root channel reaches is never chosen. A head's
 * score is the mean of its root channels' scores, which for a root laid out in heads (ViT, BERT,
 * grouped-query attention with the key/value heads declared, where a head is a key/value group of
 * query heads) is the mean over {@code [h·d, (h+1)·d)} of the root. Local pruning removes {@code
 * ceil(headRatio_k × heads)} lowest heads per group; global pruning ranks every attention group's
 * heads together against a threshold, the total initial heads shrinking to {@code int(initial ×
 * (1 − headRatio_k))}. The chosen heads' root channels are removed, with every member they reach.
 */
final class HeadPruning {

    private final PruningConfig config;
    private final ChannelGrouping grouping;
    private final DependencyGraph dg;
    private int initialTotalHeads = -1;

    HeadPruning(PruningConfig config, ChannelGrouping grouping, DependencyGraph dg) {
        this.config = config;
        this.grouping = grouping;
        this.dg = dg;
    }

    /** The heads of one attention group in this step, and those chosen for removal. */
    static final class Heads {
        private final List<Node> nodes;
        private final double[] scores;
        private final int[][] rootPositions;
        private int[] chosen = new int[0];

        Heads(List<Node> nodes, double[] scores, int[][] rootPositions) {
            this.nodes = nodes;
            this.scores = scores;
            this.rootPositions = rootPositions;
        }

        /**
         * Returns the root channel positions of the chosen heads.
         *
         * @return the positions
         */
        IntStream chosenChannels() {
            return Arrays.stream(chosen).flatMap(h -> Arrays.stream(rootPositions[h]));
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
     * @param channelScores its channel scores, one per root position
     * @return the heads
     * @throws PruningException if the member that knows heads has channels that are not a
     *     multiple of the declared heads
     */
    Optional<Heads> scores(Group g, double[] channelScores) {
        List<Node> nodes = headNodes(g);
        if (!config.pruneNumHeads() || nodes.isEmpty()) {
            return Optional.empty();
        }
        int heads = nodes.stream().mapToInt(n -> grouping.heads(n).orElseThrow()).max().orElseThrow();
        int[][] positions = rootPositions(g, headSpace(g), heads);
        double[] s = new double[heads];
        for (int h = 0; h < heads; h++) {
            float sum = 0;
            for (int p : positions[h]) {
                sum += (float) channelScores[p];
            }
            s[h] = positions[h].length == 0 ? Double.POSITIVE_INFINITY : sum / positions[h].length;
        }
        return Optional.of(new Heads(nodes, s, positions));
    }

    /** The member whose channels are heads: an attention op's, else the first declared node's. */
    private GroupMember headSpace(Group g) {
        for (GroupMember m : g.members()) {
            if (m.node().op().attentionHeads(m.node()).isPresent()) {
                return m;
            }
        }
        return g.members().stream()
                .filter(m -> m.handle() == PruningHandle.PRUNE_OUT && grouping.heads(m.node()).isPresent())
                .findFirst().orElseThrow();
    }

    /**
     * For each head of the head space, the ascending root positions of the root channels that
     * reach its channels: read from the space's member when it pairs each of its channels with a
     * distinct root channel (the root itself, a q projection's attention), else found through the
     * pruning group of each head (a packed projection, whose q, k and v rows reach one channel).
     */
    private int[][] rootPositions(Group g, GroupMember space, int heads) {
        int channels = dg.channels(space.node(), space.handle());
        if (channels % heads != 0) {
            throw new PruningException("node '" + space.node().name() + "' has " + channels
                    + " channels, not a multiple of the " + heads + " heads declared in its group");
        }
        int dim = channels / heads;
        GroupMember root = g.root();
        int[] rootIdxs = root.idxs().toArray();
        Map<Integer, Integer> position = new HashMap<>();
        for (int p = 0; p < rootIdxs.length; p++) {
            position.put(rootIdxs[p], p);
        }
        int[] paired = pairedRootPositions(space, channels, position);
        int[][] positions = new int[heads][];
        for (int h = 0; h < heads; h++) {
            IntStream head = IntStream.range(h * dim, (h + 1) * dim);
            positions[h] = paired != null ? head.map(c -> paired[c]).sorted().toArray()
                    : reachedRootChannels(space, IndexSet.of(head.toArray()), root).stream()
                            .filter(position::containsKey).map(position::get).sorted().toArray();
        }
        return positions;
    }

    /**
     * The root position paired with each channel of the space, when the space's member holds every
     * channel, each from a distinct root channel, and as many channels as the root; else null.
     */
    private static int[] pairedRootPositions(GroupMember space, int channels, Map<Integer, Integer> position) {
        if (space.idxs().size() != channels || position.size() != channels) {
            return null;
        }
        int[] paired = new int[channels];
        boolean[] taken = new boolean[channels];
        for (int k = 0; k < channels; k++) {
            Integer p = position.get(space.rootIdx(k));
            if (p == null || taken[p]) {
                return null;
            }
            taken[p] = true;
            paired[space.idxs().get(k)] = p;
        }
        return paired;
    }

    /** The root's channels in the pruning group of a head's channels. */
    private IndexSet reachedRootChannels(GroupMember space, IndexSet head, GroupMember root) {
        for (GroupMember m : dg.getPruningGroup(space.node(), space.handle(), head).members()) {
            if (m.node() == root.node() && m.handle() == root.handle()) {
                return m.idxs();
            }
        }
        return IndexSet.of();
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
