package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.NamePattern;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.depgraph.DependencyGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One run of the {@link MetaPruner}, in Torch-Pruning 1.6's two phases per step:
 *
 * <ol>
 *   <li>every group is enumerated and scored on the graph as it is at the start of the step,
 *       skipping groups where a member would fall below {@code initial * (1 - maxPruningRatio)}
 *       channels or already has one; a group's scores are averaged over its channel groups
 *       ({@link ChannelGrouping}) and the group joins a ranking scope: the scope of the first
 *       ratio pattern one of its output handles matches, else its structure's scope
 *       (isomorphic), else the global scope (global pruning), else a scope of its own;</li>
 *   <li>each scope chooses the channels to remove ({@link RankingScope}); the chosen positions
 *       are repeated in every channel group, whole heads are added when heads are pruned, and
 *       the pruning group is recomputed just before it is returned, so that index mappings
 *       reflect the groups pruned before it.</li>
 * </ol>
 *
 * <p>One deliberate difference: Torch-Pruning caps only per-layer ratios with {@code
 * max_pruning_ratio}, so its default ratio can exceed the cap in a single step; Bonsai caps both.
 * With the default cap (1.0) the results are the same.
 */
final class MetaPruningRun implements PruningRun {

    private static final String GLOBAL_SCOPE = "global";

    private final PruningConfig config;
    private final DependencyGraph dg;
    private final ChannelGrouping grouping;
    private final Map<Node, Integer> initialOut = new IdentityHashMap<>();
    private final Map<Node, Integer> initialIn = new IdentityHashMap<>();
    private final Map<String, Integer> scopeInitialChannels = new HashMap<>();
    private final HeadPruning heads;
    private int currentStep;

    MetaPruningRun(Graph graph, PruningConfig config) {
        this.config = config;
        this.dg = DependencyGraph.build(graph);
        this.grouping = new ChannelGrouping(config);
        this.heads = new HeadPruning(config, grouping, dg);
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
     * Takes the next step: prunes (or, for soft pruning, masks) every group it selects.
     */
    @Override
    public void step() {
        Iterator<Group> groups = stepInteractive();
        while (groups.hasNext()) {
            Group g = groups.next();
            if (config.soft()) {
                g.mask();
            } else {
                g.prune();
            }
        }
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
        Map<String, RankingScope> scopes = new LinkedHashMap<>();
        List<Scored> scored = scoreAll(scopes);
        Map<String, List<int[]>> chosen = new HashMap<>();
        scopes.forEach((name, scope) -> {
            int initial = scopeInitialChannels.computeIfAbsent(name, k -> scope.size());
            chosen.put(name, scope.select(initial, config.roundTo()));
        });
        heads.selectAll(scored.stream().map(Scored::heads).flatMap(Optional::stream).toList(),
                ratio(config.headRatio()));
        return scored.stream()
                .map(s -> select(s, chosen.get(s.scope()).get(s.position())))
                .filter(Objects::nonNull).iterator();
    }

    /** A group scored at the start of the step, with its place in its ranking scope. */
    private record Scored(GroupMember root, int channelGroups, int groupSize, boolean dims,
            String scope, int position, Optional<HeadPruning.Heads> heads) {
    }

    private List<Scored> scoreAll(Map<String, RankingScope> scopes) {
        if (config.globalPruning()) {
            scopes.put(GLOBAL_SCOPE, new RankingScope(true, ratio(config.ratio())));
        }
        List<Group> groups = new ArrayList<>();
        for (Group g : dg.getAllGroups(n -> config.isIgnored(n.name()), config::isRoot)) {
            if (withinMaxRatio(g)) {
                groups.add(g);
            }
        }
        List<Optional<double[]>> scores = config.importance().scoreAll(groups);
        List<Scored> all = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            Optional<double[]> s = scores.get(i);
            if (s.isEmpty()) {
                continue;
            }
            int channelGroups = grouping.of(g, s.get().length);
            double[] perPosition = ChannelGrouping.average(s.get(), channelGroups);
            String scope = scopeOf(g, scopes);
            int position = scopes.get(scope).add(perPosition, channelGroups);
            boolean dims = config.pruneHeadDims() || !heads.isAttention(g);
            all.add(new Scored(g.root(), channelGroups, perPosition.length, dims, scope, position,
                    heads.scores(g, s.get())));
        }
        return all;
    }

    /** Finds (and creates) a group's ranking scope. */
    private String scopeOf(Group g, Map<String, RankingScope> scopes) {
        for (GroupMember m : g.members()) {
            for (Node n : List.of(m.source(), m.node())) {
                PruningHandle h = n == m.source() ? m.trigger() : m.handle();
                Optional<NamePattern> p = h == PruningHandle.PRUNE_OUT
                        ? config.overrideFor(n.name()) : Optional.empty();
                if (p.isPresent()) {
                    String key = "ratio:" + p.get().glob()
                            + (config.globalPruning() ? "" : ":" + n.name());
                    scopes.computeIfAbsent(key, k -> new RankingScope(
                            config.globalPruning(), ratio(config.ratioFor(n.name()))));
                    return key;
                }
            }
        }
        if (config.isomorphic()) {
            String key = "isomorphic:" + structure(g);
            scopes.computeIfAbsent(key, k -> new RankingScope(true, ratio(config.ratio())));
            return key;
        }
        if (config.globalPruning()) {
            return GLOBAL_SCOPE;
        }
        String key = "local:" + g.root().node().name();
        scopes.put(key, new RankingScope(false, ratio(config.ratio())));
        return key;
    }

    /**
     * A group's structure, as Torch-Pruning's isomorphic scope name: per member, the op types
     * of its source and node and whether the member's handle is an output handle.
     */
    private static String structure(Group g) {
        StringBuilder sb = new StringBuilder();
        for (GroupMember m : g.members()) {
            String h = m.handle() == PruningHandle.PRUNE_OUT ? "out" : "in";
            sb.append(m.source().op().name()).append('_').append(h).append('_')
                    .append(m.node().op().name()).append('_').append(h).append('|');
        }
        return sb.toString();
    }

    /** The ratio to reach by the end of the current step, capped by {@code maxPruningRatio}. */
    private double ratio(double target) {
        return Math.min(config.schedule().ratioAt(target, currentStep, config.steps()),
                config.maxPruningRatio());
    }

    private Group select(Scored s, int[] positions) {
        TreeSet<Integer> idxs = new TreeSet<>();
        int[] rootIdxs = s.root().idxs().toArray();
        for (int g = 0; g < s.channelGroups() && s.dims(); g++) {
            for (int p : positions) {
                idxs.add(rootIdxs[p + g * s.groupSize()]);
            }
        }
        s.heads().ifPresent(h -> h.chosenChannels().forEach(c -> idxs.add(rootIdxs[c])));
        if (idxs.isEmpty()) {
            return null;
        }
        Group group = dg.getPruningGroup(s.root().node(), s.root().handle(), IndexSet.of(idxs));
        if (!dg.checkPruningGroup(group)) {
            return null;
        }
        s.heads().ifPresent(heads::commit);
        return new CompensatedGroup(group, config.importance());
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
}
