package ai.bonsai.core.graph;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.OpType;
import ai.bonsai.core.plugin.ExtensionRegistry;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Builds a {@link DefaultGraph}: resolves op types by name, creates seeded parameters, infers
 * shapes as nodes are added. A builder builds one graph.
 */
public final class DefaultGraphBuilder implements GraphBuilder {

    private final String graphName;
    private final ExtensionRegistry<OpType> ops;
    private final SplittableRandom random;
    private final NDManager manager;
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final List<ai.bonsai.api.graph.Node> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, NDArray> suppliedValues = new LinkedHashMap<>();
    private final Map<String, LazySource> lazySources = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private boolean built;

    /**
     * Creates a builder.
     *
     * @param graphName the graph's name
     * @param ops the op types by name
     * @param seed the seed of parameter initialization
     */
    public DefaultGraphBuilder(String graphName, ExtensionRegistry<OpType> ops, long seed) {
        this.graphName = graphName;
        this.ops = ops;
        this.random = new SplittableRandom(seed);
        this.manager = NDManager.newBaseManager();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public void parameterValue(String name, NDArray value) {
        checkOpen();
        if (lazySources.containsKey(name) || suppliedValues.putIfAbsent(name, value) != null) {
            throw new GraphException("graph '" + graphName + "': parameter '" + name
                    + "' supplied twice");
        }
    }

    @Override
    public void parameterSource(String name, Shape shape, DataType dataType, Supplier<NDArray> loader) {
        checkOpen();
        if (suppliedValues.containsKey(name)
                || lazySources.putIfAbsent(name, new LazySource(shape, dataType, loader)) != null) {
            throw new GraphException("graph '" + graphName + "': parameter '" + name
                    + "' supplied twice");
        }
    }

    /** A parameter source waiting for its node. */
    private record LazySource(Shape shape, DataType dataType, Supplier<NDArray> loader) {
    }

    @Override
    public void metadata(String key, String value) {
        checkOpen();
        metadata.put(key, value);
    }

    @Override
    public Value input(String name, Shape shape) {
        checkOpen();
        claimName(name);
        DefaultValue v = new DefaultValue(name, null, shape, -1);
        inputs.add(v);
        return v;
    }

    @Override
    public List<Value> node(String opType, String name, Attributes attributes, Value... in) {
        checkOpen();
        claimName(name);
        OpType op;
        try {
            op = ops.get(opType);
        } catch (BonsaiException e) {
            throw new GraphException("node '" + name + "': " + e.getMessage(), e);
        }
        List<Shape> inShapes = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            if (!(in[k] instanceof DefaultValue) || !known(in[k])) {
                throw new GraphException("node '" + name + "': input " + k
                        + " is not a value of this builder");
            }
            inShapes.add(in[k].shape());
        }
        DefaultNode node = new DefaultNode(name, op, attributes, List.of(in));
        List<ParameterSpec> specs;
        try {
            specs = op.parameters(attributes, inShapes);
        } catch (BonsaiException | IllegalArgumentException e) {
            throw new GraphException("node '" + name + "' (" + opType + "): " + e.getMessage(), e);
        }
        for (ParameterSpec spec : specs) {
            String full = spec.localName().isEmpty() ? name : name + "." + spec.localName();
            node.addParameter(spec.localName(), parameter(full, spec));
        }
        int outputCount = DefaultGraph.inferShapes(node, inShapes).size();
        List<Value> outs = new ArrayList<>();
        for (int k = 0; k < outputCount; k++) {
            outs.add(new DefaultValue(outputCount == 1 ? name : name + ":" + k, node, new Shape(), -1));
        }
        node.setOutputs(outs);
        DefaultGraph.refresh(node);
        for (Value v : in) {
            ((DefaultValue) v).addConsumer(node);
        }
        nodes.add(node);
        return outs;
    }

    @Override
    public void output(Value... values) {
        checkOpen();
        for (Value v : values) {
            if (!known(v)) {
                throw new GraphException("output '" + v.name() + "' is not a value of this builder");
            }
            outputs.add(v);
        }
    }

    @Override
    public Graph build() {
        checkOpen();
        if (outputs.isEmpty()) {
            throw new GraphException("graph '" + graphName + "' has no output; call output(...)");
        }
        if (!suppliedValues.isEmpty() || !lazySources.isEmpty()) {
            Set<String> unused = new TreeSet<>(suppliedValues.keySet());
            unused.addAll(lazySources.keySet());
            throw new GraphException("graph '" + graphName + "': no node declares the supplied "
                    + "parameter(s) " + unused);
        }
        built = true;
        return new DefaultGraph(graphName, manager, inputs, outputs, nodes, metadata);
    }

    private boolean known(Value v) {
        return inputs.contains(v)
                || v.producer().map(p -> nodes.contains(p)).orElse(false);
    }

    private void claimName(String name) {
        if (name == null || name.isEmpty()) {
            throw new GraphException("graph '" + graphName + "': empty node name");
        }
        if (!names.add(name)) {
            throw new GraphException("graph '" + graphName + "': duplicate name '" + name + "'");
        }
    }

    private void checkOpen() {
        if (built) {
            throw new GraphException("graph '" + graphName + "' is already built");
        }
    }

    private DefaultParameter parameter(String fullName, ParameterSpec spec) {
        LazySource lazy = lazySources.remove(fullName);
        if (lazy == null) {
            return new DefaultParameter(fullName, spec.trainable(), valueOf(fullName, spec));
        }
        if (!lazy.shape().equals(spec.shape()) || lazy.dataType() != spec.dataType()) {
            throw new GraphException("parameter '" + fullName + "' is supplied as "
                    + lazy.dataType() + " " + lazy.shape() + ", the node expects "
                    + spec.dataType() + " " + spec.shape());
        }
        return new DefaultParameter(fullName, spec.trainable(), lazy.shape(), lazy.dataType(), lazy.loader());
    }

    private NDArray valueOf(String fullName, ParameterSpec spec) {
        NDArray supplied = suppliedValues.remove(fullName);
        if (supplied == null) {
            return initialize(spec);
        }
        if (!supplied.getShape().equals(spec.shape()) || supplied.getDataType() != spec.dataType()) {
            throw new GraphException("parameter '" + fullName + "' is supplied as "
                    + supplied.getDataType() + " " + supplied.getShape() + ", the node expects "
                    + spec.dataType() + " " + spec.shape());
        }
        return supplied;
    }

    private NDArray initialize(ParameterSpec spec) {
        Shape shape = spec.shape();
        int size = Math.toIntExact(shape.size());
        if (spec.dataType() == DataType.INT64) {
            long[] data = new long[size];
            if (spec.init().kind() == ParameterSpec.Init.Kind.ONES) {
                java.util.Arrays.fill(data, 1L);
            }
            return manager.create(data, shape);
        }
        if (spec.dataType() != DataType.FLOAT32) {
            throw new GraphException("parameter '" + spec.localName() + "': unsupported type "
                    + spec.dataType());
        }
        float[] data = new float[size];
        switch (spec.init().kind()) {
            case ZEROS:
                break;
            case ONES:
                java.util.Arrays.fill(data, 1f);
                break;
            case UNIFORM_FAN_IN:
                double bound = 1.0 / Math.sqrt(Math.max(1, spec.init().fanIn()));
                for (int i = 0; i < size; i++) {
                    data[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
                break;
            case UNIFORM_POSITIVE:
                for (int i = 0; i < size; i++) {
                    data[i] = (float) (0.5 + random.nextDouble());
                }
                break;
            default:
                throw new GraphException("unknown initializer " + spec.init().kind());
        }
        return manager.create(data, shape);
    }
}
