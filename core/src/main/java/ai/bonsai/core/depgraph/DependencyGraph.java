package ai.bonsai.core.depgraph;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.graph.CheckingNodeEditor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.graph.DefaultNodeEditor;
import ai.bonsai.core.graph.MaskingNodeEditor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * DepGraph (Fang et al., CVPR'23): the dependencies between the pruning handles of a graph's
 * nodes, and the groups of coupled pruning operations they induce.
 *
 * <p>Every node has an output handle and an input handle; a node whose op type couples input and
 * output channels (element-wise ops, norms, pooling, depthwise conv, concat, flatten) has a single
 * handle, reported as {@link PruningHandle#PRUNE_OUT} as Torch-Pruning does. Dependencies run along
 * every edge in both directions, with the index mapping of the slots they connect. A handle is
 * <em>pinned</em> when its channels reach something that cannot follow them (a graph input or
 * output, an op without channel semantics, a broadcast operand); groups containing a pinned handle
 * are refused.
 *
 * <pre>{@code
 * DependencyGraph dg = DependencyGraph.build(graph);
 * Group g = dg.getPruningGroup(graph.node("conv1"), PruningHandle.PRUNE_OUT, IndexSet.of(2, 6, 9));
 * if (dg.checkPruningGroup(g)) {
 *     g.prune();
 * }
 * }</pre>
 */
public final class DependencyGraph {

    private final DefaultGraph graph;
    private final Map<HandleKey, List<Dependency>> dependencies = new LinkedHashMap<>();
    private final Map<HandleKey, String> pinned = new LinkedHashMap<>();
    private final Map<Node, Coupling> coupling = new IdentityHashMap<>();

    private DependencyGraph(DefaultGraph graph) {
        this.graph = graph;
    }

    /**
     * Builds the dependency graph of a graph in one pass over its edges.
     *
     * @param graph the graph (Bonsai's in-memory implementation)
     * @return the dependency graph
     */
    public static DependencyGraph build(Graph graph) {
        if (!(graph instanceof DefaultGraph)) {
            throw new PruningException("graph '" + graph.name() + "' is a "
                    + graph.getClass().getName() + "; DepGraph needs Bonsai's in-memory graph");
        }
        DependencyGraph dg = new DependencyGraph((DefaultGraph) graph);
        dg.connect();
        return dg;
    }

    /**
     * Returns the graph this dependency graph describes.
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    private void connect() {
        SemanticsCache semantics = new SemanticsCache();
        for (Node node : graph.nodes()) {
            ChannelSemantics sem = semantics.of(node);
            coupling.put(node, sem.coupling());
            if (sem.coupling() == Coupling.OPAQUE) {
                String why = "op type '" + node.op().name() + "' of node '" + node.name()
                        + "' does not let channels through";
                pin(new HandleKey(node, PruningHandle.PRUNE_OUT), why);
                pin(new HandleKey(node, PruningHandle.PRUNE_IN), why);
            }
            for (int k = 0; k < node.inputs().size(); k++) {
                connectInput(node, k, sem.inputs().get(k), semantics);
            }
        }
        for (Value out : graph.outputs()) {
            out.producer().ifPresent(p -> {
                int slot = p.outputs().indexOf(out);
                if (semantics.of(p).outputs().get(slot).carriesChannels()) {
                    pin(key(p, PruningHandle.PRUNE_OUT),
                            "its output '" + out.name() + "' is a graph output");
                }
            });
        }
    }

    private void connectInput(Node consumer, int k, ChannelSlot in, SemanticsCache semantics) {
        Value v = consumer.inputs().get(k);
        Optional<Node> producer = v.producer();
        ChannelSlot out = producer
                .map(p -> semantics.of(p).outputs().get(p.outputs().indexOf(v)))
                .orElse(ChannelSlot.NONE);
        if (in.carriesChannels() && out.carriesChannels() && in.dim() == out.dim()) {
            Node p = producer.orElseThrow();
            int j = p.outputs().indexOf(v);
            HandleKey from = key(p, PruningHandle.PRUNE_OUT);
            HandleKey to = key(consumer, PruningHandle.PRUNE_IN);
            add(new Dependency(p, from.handle(), consumer, to.handle(), p, j, consumer, k, true));
            add(new Dependency(consumer, to.handle(), p, from.handle(), p, j, consumer, k, false));
            return;
        }
        if (out.carriesChannels()) {
            pin(key(producer.orElseThrow(), PruningHandle.PRUNE_OUT), "its output '" + v.name()
                    + "' reaches input " + k + " of '" + consumer.name() + "' ("
                    + consumer.op().name() + "), which does not carry its channels");
        }
        if (in.carriesChannels()) {
            pin(key(consumer, PruningHandle.PRUNE_IN), producer.isEmpty()
                    ? "input " + k + " is the graph input '" + v.name() + "'"
                    : "input " + k + " comes from '" + producer.get().name()
                            + "', whose channels do not reach it");
        }
    }

    private void add(Dependency d) {
        dependencies.computeIfAbsent(new HandleKey(d.source(), d.trigger()), x -> new ArrayList<>())
                .add(d);
    }

    private void pin(HandleKey k, String reason) {
        pinned.putIfAbsent(k, reason);
    }

    /**
     * Returns the canonical handle key of a node side (coupled nodes have one handle).
     *
     * @param node the node
     * @param handle the side
     * @return the key
     */
    private HandleKey key(Node node, PruningHandle handle) {
        return new HandleKey(node, coupling.get(node) == Coupling.COUPLED ? PruningHandle.PRUNE_OUT : handle);
    }

    /**
     * Returns the number of channels behind a node's handle at the current shapes.
     *
     * @param node the node
     * @param handle the handle
     * @return the channel count (0 if the node has none on that side)
     */
    public int channels(Node node, PruningHandle handle) {
        return channels(node, handle, new SemanticsCache());
    }

    private static int channels(Node node, PruningHandle handle, SemanticsCache semantics) {
        ChannelSemantics sem = semantics.of(node);
        return handle == PruningHandle.PRUNE_OUT || sem.coupling() == Coupling.COUPLED
                ? sem.outChannels() : sem.inChannels();
    }

    /**
     * Collects the group of pruning operations forced by pruning {@code idxs} on a node's handle,
     * following dependencies depth first with index mapping, merged per node and handle.
     *
     * @param node the root node
     * @param handle the root handle (normalized to {@code PRUNE_OUT} on coupled nodes)
     * @param idxs the root indices
     * @return the group, root first
     * @throws PruningException if an index is out of range for the root
     */
    public Group getPruningGroup(Node node, PruningHandle handle, IndexSet idxs) {
        SemanticsCache semantics = new SemanticsCache();
        HandleKey root = key(node, handle);
        int n = channels(node, root.handle(), semantics);
        if (idxs.max() >= n) {
            throw new PruningException("index " + idxs.max() + " is out of range for "
                    + root.handle().label() + " on '" + node.name() + "' (" + n + " channels)");
        }
        Map<HandleKey, IndexPairs.Builder> members = new LinkedHashMap<>();
        Map<HandleKey, HandleKey> triggeredBy = new LinkedHashMap<>();
        IndexPairs.Builder rootPairs = new IndexPairs.Builder();
        idxs.stream().forEach(i -> rootPairs.add(i, i));
        members.put(root, rootPairs);
        triggeredBy.put(root, root);
        Deque<Map.Entry<HandleKey, IndexPairs>> stack = new ArrayDeque<>();
        stack.push(Map.entry(root, rootPairs.build()));
        while (!stack.isEmpty()) {
            Map.Entry<HandleKey, IndexPairs> top = stack.pop();
            for (Dependency d : dependencies.getOrDefault(top.getKey(), List.of())) {
                IndexPairs mapped = d.map(top.getValue().idx(), top.getValue().root(), semantics);
                if (mapped.isEmpty()) {
                    continue;
                }
                HandleKey target = new HandleKey(d.target(), d.handler());
                IndexPairs.Builder existing = members.get(target);
                if (existing == null) {
                    existing = new IndexPairs.Builder();
                    members.put(target, existing);
                    triggeredBy.put(target, top.getKey());
                }
                int before = existing.size();
                for (int i = 0; i < mapped.idx().length; i++) {
                    existing.add(mapped.idx()[i], mapped.root()[i]);
                }
                if (existing.size() > before) {
                    stack.push(Map.entry(target, mapped));
                }
            }
        }
        List<GroupMember> list = new ArrayList<>();
        for (Map.Entry<HandleKey, IndexPairs.Builder> e : members.entrySet()) {
            IndexPairs pairs = e.getValue().build().sorted();
            HandleKey src = triggeredBy.get(e.getKey());
            list.add(new GroupMember(e.getKey().node(), e.getKey().handle(), IndexSet.of(pairs.idx()),
                    pairs.root(), src.node(), src.handle()));
        }
        return new DefaultGroup(this, list);
    }

    /**
     * Tells whether a group can be pruned: no pinned handle, every index in range, no member left
     * with zero channels, and every member's pruning function accepts its indices (a dry run).
     *
     * @param group the group
     * @return true if it can be pruned
     */
    public boolean checkPruningGroup(Group group) {
        return problem(group).isEmpty();
    }

    /**
     * Explains why a group cannot be pruned.
     *
     * @param group the group
     * @return the reason, or empty if it can be pruned
     */
    public Optional<String> problem(Group group) {
        SemanticsCache semantics = new SemanticsCache();
        for (GroupMember m : group.members()) {
            String why = pinned.get(new HandleKey(m.node(), m.handle()));
            if (why != null) {
                return Optional.of(m.handle().label() + " on '" + m.node().name()
                        + "' cannot be pruned: " + why);
            }
            int n = channels(m.node(), m.handle(), semantics);
            if (m.idxs().max() >= n) {
                return Optional.of("index " + m.idxs().max() + " is out of range for "
                        + m.handle().label() + " on '" + m.node().name() + "' (" + n + " channels)");
            }
            if (m.idxs().size() >= n) {
                return Optional.of(m.handle().label() + " on '" + m.node().name() + "' would remove all "
                        + n + " channels; at least one must remain");
            }
        }
        try {
            run(group, CheckingNodeEditor::new);
        } catch (PruningException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Tells whether a handle is pinned, and why.
     *
     * @param node the node
     * @param handle the handle
     * @return the reason, or empty
     */
    public Optional<String> pinnedReason(Node node, PruningHandle handle) {
        return Optional.ofNullable(pinned.get(key(node, handle)));
    }

    /**
     * Enumerates every prunable group once, rooted at the first node (in {@link #tracingOrder()})
     * of a root op type whose output handle it contains. Groups containing the output handle of an ignored
     * node, or a pinned handle, are skipped. Groups are computed lazily, one per {@code next()},
     * so that they reflect pruning done while iterating.
     *
     * @param ignored tells which nodes are ignored
     * @param rootOpTypes op type names that may root a group
     * @return the groups, each with all channels of its root
     */
    public Iterable<Group> getAllGroups(Predicate<Node> ignored, Set<String> rootOpTypes) {
        return getAllGroups(ignored, (Predicate<Node>) n -> rootOpTypes.contains(n.op().name()));
    }

    /**
     * Enumerates the groups as {@link #getAllGroups(Predicate, Set)} does, with the roots chosen
     * by a predicate (a pruning config's {@link ai.bonsai.api.pruner.PruningConfig#isRoot}).
     *
     * @param ignored tells which nodes are ignored
     * @param root tells which nodes may root a group
     * @return the groups, each with all channels of its root
     */
    public Iterable<Group> getAllGroups(Predicate<Node> ignored, Predicate<Node> root) {
        return () -> {
            Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
            return tracingOrder().stream()
                    .map(n -> groupOf(n, ignored, root, visited))
                    .filter(Objects::nonNull)
                    .iterator();
        };
    }

    /**
     * Returns the nodes in the order Torch-Pruning's tracer registers modules: walking back from
     * the graph outputs depth first, a node's producers are registered in input-slot order when
     * the node is expanded, and the most recently registered producer is expanded next. Nodes
     * that no output depends on follow in graph order. Groups are enumerated (and, by the
     * pruners, pruned) in this order; since pruning one group changes the weights another group
     * scores, the order is part of Torch-Pruning parity.
     *
     * @return the nodes
     */
    public List<Node> tracingOrder() {
        Set<Node> registered = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> expanded = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> order = new ArrayList<>();
        Deque<Node> stack = new ArrayDeque<>();
        for (Value out : graph.outputs()) {
            out.producer().ifPresent(p -> {
                if (registered.add(p)) {
                    order.add(p);
                }
                stack.push(p);
            });
        }
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (!expanded.add(node)) {
                continue;
            }
            for (Value in : node.inputs()) {
                in.producer().ifPresent(p -> {
                    if (registered.add(p)) {
                        order.add(p);
                    }
                    stack.push(p);
                });
            }
        }
        for (Node n : graph.nodes()) {
            if (registered.add(n)) {
                order.add(n);
            }
        }
        return order;
    }

    void prune(DefaultGroup group) {
        graph.refresh(apply(group, DefaultNodeEditor::new));
    }

    void mask(DefaultGroup group) {
        apply(group, MaskingNodeEditor::new);
    }

    private List<Node> apply(DefaultGroup group, Function<Node, NodeEditor> editors) {
        Optional<String> why = problem(group);
        if (why.isPresent()) {
            throw new PruningException(why.get());
        }
        return run(group, editors);
    }

    /** Runs every member's pruning function through an editor, in group order. */
    private static List<Node> run(Group group, Function<Node, NodeEditor> editors) {
        List<Node> edited = new ArrayList<>();
        for (GroupMember m : group.members()) {
            NodeEditor editor = editors.apply(m.node());
            if (m.handle() == PruningHandle.PRUNE_OUT) {
                m.node().op().pruneOut(editor, m.idxs());
            } else {
                m.node().op().pruneIn(editor, m.idxs());
            }
            edited.add(m.node());
        }
        return edited;
    }

    private Group groupOf(Node node, Predicate<Node> ignored, Predicate<Node> isRoot, Set<Node> visited) {
        if (ignored.test(node) || !isRoot.test(node) || visited.contains(node)) {
            return null;
        }
        HandleKey root = key(node, PruningHandle.PRUNE_OUT);
        if (pinned.containsKey(root)) {
            return null;
        }
        int n = channels(node, root.handle());
        if (n <= 0) {
            return null;
        }
        Group g = getPruningGroup(node, root.handle(), IndexSet.range(n));
        boolean prunable = true;
        for (GroupMember m : g.members()) {
            if (m.handle() == PruningHandle.PRUNE_OUT) {
                visited.add(m.node());
                if (ignored.test(m.node())) {
                    prunable = false;
                }
            }
            if (pinned.containsKey(new HandleKey(m.node(), m.handle()))) {
                prunable = false;
            }
        }
        return prunable ? g : null;
    }
}
