package ai.bonsai.core.graph;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The in-memory graph. It owns an {@link NDManager} holding every parameter; close the graph to
 * free them.
 */
public final class DefaultGraph implements Graph, AutoCloseable {

    private final String name;
    private final NDManager manager;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final List<Node> nodes;
    private final Map<String, Node> byName;
    private final Map<Node, Integer> position = new IdentityHashMap<>();
    private final Map<String, String> metadata;

    DefaultGraph(String name, NDManager manager, List<Value> inputs, List<Value> outputs,
            List<Node> nodes, Map<String, String> metadata) {
        this.name = name;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.manager = manager;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.nodes = List.copyOf(nodes);
        Map<String, Node> map = new LinkedHashMap<>();
        nodes.forEach(n -> map.put(n.name(), n));
        this.byName = Collections.unmodifiableMap(map);
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i), i);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public List<Value> inputs() {
        return inputs;
    }

    @Override
    public List<Value> outputs() {
        return outputs;
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public Node node(String nodeName) {
        Node n = byName.get(nodeName);
        if (n == null) {
            throw new GraphException("graph '" + name + "' has no node '" + nodeName + "'");
        }
        return n;
    }

    @Override
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (Parameter p : n.parameters().values()) {
                all.put(p.name(), p);
            }
        }
        return all;
    }

    /**
     * Returns the manager that owns the parameters.
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * Applies every parameter's pending pruning selection now (in parallel), instead of at each
     * parameter's first use.
     */
    public void materialize() {
        List<DefaultParameter> pending = new ArrayList<>();
        for (Parameter p : parameters().values()) {
            if (((DefaultParameter) p).isPending()) {
                pending.add((DefaultParameter) p);
            }
        }
        pending.parallelStream().forEach(DefaultParameter::array);
    }

    /**
     * Re-infers every node's output shapes and channel dimensions, in topological order (after
     * pruning or loading weights).
     *
     * @throws GraphException naming the first inconsistent node
     */
    public void refresh() {
        for (Node n : nodes) {
            refresh((DefaultNode) n);
        }
    }

    /**
     * Re-infers the shapes of some nodes whose parameters or attributes changed, and of every
     * node downstream whose input shapes change as a result, in topological order.
     *
     * @param changed the edited nodes
     * @throws GraphException naming the first inconsistent node
     */
    public void refresh(Collection<Node> changed) {
        PriorityQueue<Node> queue = new PriorityQueue<>(Comparator.comparingInt(position::get));
        Set<Node> queued = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : changed) {
            if (queued.add(n)) {
                queue.add(n);
            }
        }
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            List<Shape> before = new ArrayList<>();
            n.outputs().forEach(v -> before.add(v.shape()));
            refresh((DefaultNode) n);
            for (int k = 0; k < before.size(); k++) {
                Value out = n.outputs().get(k);
                if (!out.shape().equals(before.get(k))) {
                    for (Node c : out.consumers()) {
                        if (queued.add(c)) {
                            queue.add(c);
                        }
                    }
                }
            }
        }
    }

    static void refresh(DefaultNode node) {
        List<Shape> in = new ArrayList<>(node.inputs().size());
        for (Value v : node.inputs()) {
            in.add(v.shape());
        }
        List<Shape> out = inferShapes(node, in);
        ChannelSemantics sem;
        try {
            if (out.size() != node.outputs().size()) {
                throw new GraphException("op type returned " + out.size() + " output shapes for "
                        + node.outputs().size() + " outputs");
            }
            for (int k = 0; k < out.size(); k++) {
                DefaultValue v = (DefaultValue) node.outputs().get(k);
                v.update(out.get(k), v.channelDim());
            }
            sem = node.op().channels(node);
        } catch (GraphException e) {
            throw e.getMessage().startsWith("node '") ? e : wrap(node, e);
        } catch (BonsaiException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw wrap(node, e);
        }
        if (sem.inputs().size() != node.inputs().size() || sem.outputs().size() != out.size()) {
            throw new GraphException("node '" + node.name() + "' (" + node.op().name()
                    + "): channel semantics describe " + sem.inputs().size() + " inputs and "
                    + sem.outputs().size() + " outputs, the node has " + node.inputs().size()
                    + " and " + out.size());
        }
        for (int k = 0; k < out.size(); k++) {
            ((DefaultValue) node.outputs().get(k)).update(out.get(k), sem.outputs().get(k).dim());
        }
    }

    static List<Shape> inferShapes(DefaultNode node, List<Shape> in) {
        try {
            return node.op().inferShapes(node, in);
        } catch (GraphException e) {
            throw e.getMessage().startsWith("node '") ? e : wrap(node, e);
        } catch (BonsaiException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw wrap(node, e);
        }
    }

    private static GraphException wrap(Node node, RuntimeException e) {
        return new GraphException("node '" + node.name() + "' (" + node.op().name() + "): "
                + e.getMessage(), e);
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "Graph " + name + " (" + nodes.size() + " nodes)";
    }
}
