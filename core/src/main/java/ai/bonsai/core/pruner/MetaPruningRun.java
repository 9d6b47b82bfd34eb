package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.depgraph.DependencyGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of the {@link MetaPruner} with local ranking, in Torch-Pruning 1.6's two phases per
 * step:
 *
 * <ol>
 *   <li>every group is enumerated and scored on the graph as it is at the start of the step,
 *       skipping groups where a member would fall below {@code initial * (1 - maxPruningRatio)}
 *       channels or already has one;</li>
 *   <li>each group (its own ranking scope) then loses {@code current - int(initial * (1 -
 *       ratio_k))} channels, the lowest-scored ones (rounded by {@code roundTo}), where {@code
 *       ratio_k = min(ratio * k / steps, maxPruningRatio)}; the pruning group is recomputed just
 *       before it is pruned, so that index mappings reflect the groups pruned before it.</li>
 * </ol>
 *
 * <p>One deliberate difference: Torch-Pruning caps only per-layer ratios with {@code
 * max_pruning_ratio}, so its default ratio can exceed the cap in a single step; Bonsai caps both.
 * With the default cap (1.0) the results are the same.
 */
final class MetaPruningRun implements PruningRun {

    private final PruningConfig config;
    private final DependencyGraph dg;
    private final Map<Node, Integer> initialOut = new IdentityHashMap<>();
    private final Map<Node, Integer> initialIn = new IdentityHashMap<>();
    private final Map<String, Integer> scopeInitialChannels = new HashMap<>();
    private int currentStep;

    MetaPruningRun(Graph graph, PruningConfig config) {
        this.config = config;
        this.dg = DependencyGraph.build(graph);
        for (Node n : graph.nodes()) {
            initialOut.put(n, dg.channels(n, PruningHandle.PRUNE_OUT));
            initialIn.put(n, dg.channels(n, PruningHandle.PRUNE_IN));
        }
    }

    @Override
    public int steps() {
        return config.steps();
    }

    @Override
    public int currentStep() {
        return currentStep;
    }

    /**
     * Scores every group now (phase 1) and returns the selected groups lazily (phase 2): each
     * is computed just before it is returned, on the graph as pruned by the caller so far.
     *
     * @return the groups of this step
     */
    @Override
    public Iterator<Group> stepInteractive() {
        if (!hasNextStep()) {
            throw new PruningException("all " + config.steps() + " steps have been taken");
        }
        currentStep++;
        return scoreAll().stream().map(this::select).filter(Objects::nonNull).iterator();
    }

    /** A group scored at the start of the step. */
    private record Scored(GroupMember root, double[] scores, double ratio) {
    }

    private List<Scored> scoreAll() {
        List<Group> groups = new ArrayList<>();
        for (Group g : dg.getAllGroups(n -> config.isIgnored(n.name()), config.rootOpTypes())) {
            if (withinMaxRatio(g)) {
                groups.add(g);
            }
        }
        List<Optional<double[]>> scores = config.importance().scoreAll(groups);
        List<Scored> all = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            scores.get(i).ifPresent(s -> all.add(new Scored(g.root(), s, targetRatio(g))));
        }
        return all;
    }

    private double targetRatio(Group group) {
        double fraction = (double) currentStep / config.steps();
        for (GroupMember m : group.members()) {
            for (Node n : List.of(m.source(), m.node())) {
                if (m.handle() == PruningHandle.PRUNE_OUT && isOverridden(n.name())) {
                    return Math.min(config.ratioFor(n.name()) * fraction, config.maxPruningRatio());
                }
            }
        }
        return Math.min(config.ratio() * fraction, config.maxPruningRatio());
    }

    private boolean isOverridden(String name) {
        return config.ratioOverrides().keySet().stream().anyMatch(p -> p.matches(name));
    }

    private Group select(Scored s) {
        Node rootNode = s.root().node();
        int current = s.scores().length;
        int initial = scopeInitialChannels.computeIfAbsent(rootNode.name(), k -> current);
        int pruned = current - (int) (initial * (1 - s.ratio()));
        if (pruned <= 0) {
            return null;
        }
        if (config.roundTo() > 1) {
            int left = current - pruned;
            left -= left % config.roundTo();
            pruned = Math.max(current - left, 0);
        }
        Group group = dg.getPruningGroup(rootNode, s.root().handle(),
                IndexSet.of(lowest(s.scores(), pruned, s.root().idxs())));
        return dg.checkPruningGroup(group) ? group : null;
    }

    private boolean withinMaxRatio(Group group) {
        double keep = 1 - config.maxPruningRatio();
        for (GroupMember m : group.members()) {
            boolean out = m.handle() == PruningHandle.PRUNE_OUT;
            int n = dg.channels(m.node(), m.handle());
            int initial = out ? initialOut.get(m.node()) : initialIn.get(m.node());
            if (n > 0 && (n < initial * keep || n == 1)) {
                return false;
            }
        }
        return true;
    }

    private static int[] lowest(double[] scores, int count, IndexSet rootIdxs) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        int[] chosen = new int[Math.min(count, scores.length)];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = rootIdxs.get(order[i]);
        }
        return chosen;
    }
}
