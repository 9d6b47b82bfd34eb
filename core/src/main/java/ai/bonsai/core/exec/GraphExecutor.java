package ai.bonsai.core.exec;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Runs a {@link Graph} on DJL arrays: forward in eval or training mode, and gradients of a
 * scalar loss with respect to every trainable parameter.
 *
 * <p>Outputs are attached to the manager of the first input; intermediates live in a
 * sub-manager closed at the end of the pass, and in eval mode each intermediate is released as
 * soon as its last consumer has run. Passes that will be differentiated run with libtorch's
 * oneDNN kernels off ({@link OneDnnSwitch}): a training-mode pass from its start until its
 * temporaries are released, and every {@link #gradients} pass, so that their results do not
 * depend on what ran before.
 *
 * <pre>{@code
 * GraphExecutor exec = new GraphExecutor(graph);
 * NDList out = exec.forward(new NDList(manager.randomNormal(new Shape(1, 3, 224, 224))));
 * }</pre>
 */
public final class GraphExecutor {

    private static final BiConsumer<Node, NDList> NO_OBSERVER = (node, in) -> { };

    /**
     * DJL's PyTorch engine allows one gradient collector at a time in a process, so concurrent
     * gradient passes (two runs calibrating Taylor importance) take turns on this lock.
     */
    private static final Object GRADIENT_COLLECTOR = new Object();

    private final Graph graph;

    /**
     * Creates an executor over a graph (it reads the graph's current state at each pass). The
     * first executor of a process checks libtorch's oneDNN convolutions ({@link
     * OneDnnSwitch#verifyOnce}).
     *
     * @param graph the graph
     */
    public GraphExecutor(Graph graph) {
        OneDnnSwitch.verifyOnce();
        this.graph = graph;
    }

    /**
     * Runs the graph in eval mode.
     *
     * @param inputs one array per graph input, in order
     * @return one array per graph output
     */
    public NDList forward(NDList inputs) {
        return forward(inputs, false);
    }

    /**
     * Runs the graph.
     *
     * @param inputs one array per graph input, in order
     * @param training training mode (batch norm batch statistics, dropout); the pass's
     *     temporaries then stay alive, owned by the first input's manager, until that manager is
     *     closed, because autograd may still read them in the backward pass
     * @return one array per graph output, attached to the first input's manager
     * @throws GraphException if the inputs do not match the graph's inputs
     */
    public NDList forward(NDList inputs, boolean training) {
        return forward(inputs, training, NO_OBSERVER);
    }

    /**
     * Runs the graph and shows each node's inputs to an observer just before the node runs (to
     * record activation statistics, for example). The arrays are only valid during the call.
     *
     * @param inputs one array per graph input, in order
     * @param training training mode
     * @param observer receives each node and its input arrays
     * @return one array per graph output, attached to the first input's manager
     * @throws GraphException if the inputs do not match the graph's inputs
     */
    public NDList forward(NDList inputs, boolean training, BiConsumer<Node, NDList> observer) {
        checkInputs(inputs);
        NDManager outManager = inputs.head().getManager();
        NDManager pass = outManager.newSubManager();
        if (training) {
            pass.attachInternal("onednn-off", OneDnnSwitch.hold());
        }
        NDList outs;
        try {
            outs = run(inputs, training, pass, observer);
            for (NDArray o : outs) {
                o.attach(outManager);
            }
        } catch (RuntimeException e) {
            pass.close();
            throw e;
        }
        if (!training) {
            pass.close();
        }
        return outs;
    }

    /**
     * Computes the gradients of a scalar loss of the outputs with respect to every trainable
     * parameter. Gradients previously held by the parameters are reset first.
     *
     * @param inputs one array per graph input
     * @param loss maps the outputs to a scalar
     * @param training whether the forward pass runs in training mode
     * @return gradients by parameter name, attached to the first input's manager
     */
    public Map<String, NDArray> gradients(
            NDList inputs, Function<NDList, NDArray> loss, boolean training) {
        checkInputs(inputs);
        List<Parameter> params = new ArrayList<>();
        for (Parameter p : graph.parameters().values()) {
            if (p.trainable()) {
                params.add(p);
                NDArray a = p.array();
                a.setRequiresGradient(true);
                try (NDArray g = a.getGradient()) {
                    g.subi(g);
                }
            }
        }
        NDManager outManager = inputs.head().getManager();
        Map<String, NDArray> grads = new LinkedHashMap<>();
        try (NDManager pass = outManager.newSubManager()) {
            synchronized (GRADIENT_COLLECTOR) {
                try (OneDnnSwitch.Hold oneDnnOff = OneDnnSwitch.hold();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDList outs = run(inputs, training, pass, NO_OBSERVER);
                    NDArray l = loss.apply(outs);
                    l.attach(pass);
                    collector.backward(l);
                }
            }
            for (Parameter p : params) {
                NDArray g = p.array().getGradient().duplicate();
                g.attach(outManager);
                grads.put(p.name(), g);
            }
        }
        return grads;
    }

    private void checkInputs(NDList inputs) {
        List<Value> declared = graph.inputs();
        if (inputs.size() != declared.size()) {
            throw new GraphException("graph '" + graph.name() + "' has " + declared.size()
                    + " inputs " + names(declared) + ", got " + inputs.size() + " arrays");
        }
        for (int i = 0; i < inputs.size(); i++) {
            Value v = declared.get(i);
            if (!shapeCompatible(v, inputs.get(i))) {
                throw new GraphException("input '" + v.name() + "' expects shape " + v.shape()
                        + " (any batch size), got " + inputs.get(i).getShape());
            }
        }
    }

    private static boolean shapeCompatible(Value v, NDArray a) {
        long[] want = v.shape().getShape();
        long[] got = a.getShape().getShape();
        if (want.length != got.length) {
            return false;
        }
        for (int d = 1; d < want.length; d++) {
            if (want[d] != got[d]) {
                return false;
            }
        }
        return true;
    }

    private static List<String> names(List<Value> values) {
        List<String> n = new ArrayList<>();
        values.forEach(v -> n.add(v.name()));
        return n;
    }

    private NDList run(NDList inputs, boolean training, NDManager pass,
            BiConsumer<Node, NDList> observer) {
        Map<Value, NDArray> env = new IdentityHashMap<>();
        Set<NDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<NDArray> callers = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Value, Integer> pending = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            env.put(graph.inputs().get(i), inputs.get(i));
            callers.add(inputs.get(i));
        }
        Set<Value> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(graph.outputs());
        keep.addAll(graph.inputs());
        ForwardContext context = new PassContext(training, pass);
        for (Node node : graph.nodes()) {
            NDList in = new NDList(node.inputs().size());
            for (Value v : node.inputs()) {
                in.add(env.get(v));
            }
            observer.accept(node, in);
            NDList out;
            try {
                out = node.op().forward(node, in, context);
            } catch (RuntimeException e) {
                throw new GraphException("node '" + node.name() + "' (" + node.op().name()
                        + ") failed on inputs " + shapes(in) + ": " + e.getMessage(), e);
            }
            for (int k = 0; k < node.outputs().size(); k++) {
                NDArray a = out.get(k);
                if (!owned.contains(a) && !callers.contains(a)) {
                    a.attach(pass);
                    owned.add(a);
                }
                env.put(node.outputs().get(k), a);
            }
            if (!training) {
                release(node, env, pending, keep, owned);
            }
        }
        NDList result = new NDList();
        for (Value v : graph.outputs()) {
            result.add(env.get(v));
        }
        return result;
    }

    private static void release(Node node, Map<Value, NDArray> env, Map<Value, Integer> pending,
            Set<Value> keep, Set<NDArray> owned) {
        for (Value v : node.inputs()) {
            int left = pending.getOrDefault(v, v.consumers().size()) - 1;
            pending.put(v, left);
            if (left == 0 && !keep.contains(v)) {
                NDArray a = env.remove(v);
                if (a != null && owned.remove(a) && !env.containsValue(a)) {
                    a.close();
                }
            }
        }
    }

    private static List<Object> shapes(NDList in) {
        List<Object> s = new ArrayList<>();
        in.forEach(a -> s.add(a.getShape()));
        return s;
    }

    private record PassContext(boolean training, NDManager manager) implements ForwardContext {
    }
}
