package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.pf4j.Extension;

/**
 * {@code lstm}: a multi-layer, optionally bidirectional LSTM as PyTorch's {@code nn.LSTM},
 * returning the last layer's full output sequence (initial states are zero).
 *
 * <p>Attributes: {@code hidden_size}, {@code num_layers}, {@code bidirectional}, {@code bias},
 * {@code batch_first} (input [N, T, F] if true, else [T, N, F]). Parameters, named as in a
 * PyTorch state_dict, for layer k and direction suffix {@code ""} or {@code "_reverse"}: {@code
 * weight_ih_lk} [4H, F_k] (F_0 = input size, F_k = D x H after), {@code weight_hh_lk} [4H, H] and,
 * with a bias, {@code bias_ih_lk}, {@code bias_hh_lk} [4H]; the gates are stacked in PyTorch's
 * order i, f, g, o. The output's last dimension is D x H (D = 2 when bidirectional: the forward
 * direction's features, then the backward's).
 *
 * <p>Channels: input features and hidden units are independent. The node's output channels are
 * the H hidden units: unit j is output feature j, and also feature H + j when bidirectional
 * ({@link IndexMapping.Tiled}), because PyTorch keeps one hidden size for every layer and
 * direction. Pruning unit j removes its rows in all four gates of every layer and direction, its
 * column of every {@code weight_hh}, and its input column(s) of layers 1 and up (j and H + j when
 * bidirectional); it updates {@code hidden_size}. Pruning input channels removes columns of
 * {@code weight_ih_l0} (and its reverse).
 *
 * <p>MACs per time step and sequence, for each layer and direction, with the flops-counter
 * conventions Torch-Pruning uses: the elements of {@code weight_ih} and {@code weight_hh}, 10 H for
 * the gate arithmetic, and 8 H with biases; times N x T. (Torch-Pruning's counter multiplies by the
 * first sample's two dimensions, T x F for batch-first input, instead of N x T; Bonsai counts each
 * time step of each sequence once.)
 */
@Extension
public final class LstmOp implements OpType {

    private static final int GATES = 4;

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shape x = Shapes.requireRank(Shapes.requireInputs(in, 1).get(0), 3, "input");
        long hidden = a.getLong("hidden_size");
        long layers = a.getLong("num_layers");
        if (hidden < 1 || layers < 1) {
            throw new GraphException("hidden_size " + hidden + " and num_layers " + layers
                    + " must be >= 1");
        }
        ParameterSpec.Init init = ParameterSpec.Init.uniformFanIn(hidden);
        List<ParameterSpec> specs = new ArrayList<>();
        shapes(a, x.get(2)).forEach((p, shape) -> specs.add(ParameterSpec.weight(p, shape, init)));
        return specs;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireRank(Shapes.requireInputs(in, 1).get(0), 3, "input");
        Attributes a = node.attributes();
        shapes(a, x.get(2)).forEach((p, shape) -> {
            Shape actual = node.parameter(p).shape();
            if (!actual.equals(shape)) {
                throw new GraphException(p + " " + actual + " does not match " + shape
                        + " (hidden_size " + a.getLong("hidden_size") + ", input features "
                        + x.get(2) + ")");
            }
        });
        return List.of(new Shape(x.get(0), x.get(1), directions(a) * a.getLong("hidden_size")));
    }

    /** The parameters' shapes by local name, in PyTorch's order, for an input of F features. */
    private static Map<String, Shape> shapes(Attributes a, long inputFeatures) {
        long hidden = a.getLong("hidden_size");
        Shape gates = new Shape(GATES * hidden);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (int k = 0; k < a.getInt("num_layers"); k++) {
            long features = k == 0 ? inputFeatures : directions(a) * hidden;
            for (String suffix : suffixes(a)) {
                shapes.put(name("weight_ih", k, suffix), new Shape(GATES * hidden, features));
                shapes.put(name("weight_hh", k, suffix), new Shape(GATES * hidden, hidden));
                if (a.getBoolean("bias")) {
                    shapes.put(name("bias_ih", k, suffix), gates);
                    shapes.put(name("bias_hh", k, suffix), gates);
                }
            }
        }
        return shapes;
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        boolean batchFirst = a.getBoolean("batch_first");
        NDArray seq = batchFirst ? inputs.head() : inputs.head().swapAxes(0, 1);
        for (int k = 0; k < a.getInt("num_layers"); k++) {
            NDList directions = new NDList();
            for (String suffix : suffixes(a)) {
                directions.add(direction(node, seq, k, suffix));
            }
            seq = directions.size() == 1 ? directions.head() : NDArrays.concat(directions, 2);
        }
        return new NDList(batchFirst ? seq : seq.swapAxes(0, 1));
    }

    /** Runs one layer in one direction over a batch-first sequence [N, T, F] into [N, T, H]. */
    private static NDArray direction(Node node, NDArray seq, int layer, String suffix) {
        boolean reverse = !suffix.isEmpty();
        NDArray gatesIn = Linear.linear(seq, node.parameter(name("weight_ih", layer, suffix)).array(),
                bias(node, "bias_ih", layer, suffix)).head();
        NDArray weightHh = node.parameter(name("weight_hh", layer, suffix)).array();
        NDArray biasHh = bias(node, "bias_hh", layer, suffix);
        long n = seq.getShape().get(0);
        int steps = Math.toIntExact(seq.getShape().get(1));
        Shape state = new Shape(n, weightHh.getShape().get(1));
        NDArray h = seq.getManager().zeros(state, seq.getDataType());
        NDArray c = h;
        NDArray[] out = new NDArray[steps];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            NDList gates = gatesIn.get(new NDIndex(":, {}", t))
                    .add(Linear.linear(h, weightHh, biasHh).head()).split(GATES, 1);
            c = Activation.sigmoid(gates.get(1)).mul(c)
                    .add(Activation.sigmoid(gates.get(0)).mul(gates.get(2).tanh()));
            h = Activation.sigmoid(gates.get(3)).mul(c.tanh());
            out[t] = h;
        }
        return NDArrays.stack(new NDList(out), 1);
    }

    private static NDArray bias(Node node, String kind, int layer, String suffix) {
        String p = name(kind, layer, suffix);
        return node.hasParameter(p) ? node.parameter(p).array() : null;
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Attributes a = node.attributes();
        int hidden = a.getInt("hidden_size");
        int d = directions(a);
        IndexMapping units = d == 1 ? IndexMapping.IDENTITY : new IndexMapping.Tiled(hidden, d);
        return new ChannelSemantics(Coupling.INDEPENDENT,
                Math.toIntExact(node.input().shape().get(2)), hidden,
                List.of(ChannelSlot.at(2)), List.of(new ChannelSlot(2, units)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Removes hidden units {@code idxs} in every layer and direction.
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Attributes a = editor.node().attributes();
        int hidden = a.getInt("hidden_size");
        IndexSet gateRows = repeated(idxs, hidden, GATES);
        IndexSet layerInputs = repeated(idxs, hidden, directions(a));
        for (int k = 0; k < a.getInt("num_layers"); k++) {
            for (String suffix : suffixes(a)) {
                editor.removeIndices(name("weight_ih", k, suffix), 0, gateRows);
                editor.removeIndices(name("weight_hh", k, suffix), 0, gateRows);
                editor.removeIndices(name("weight_hh", k, suffix), 1, idxs);
                if (k > 0) {
                    editor.removeIndices(name("weight_ih", k, suffix), 1, layerInputs);
                }
                if (a.getBoolean("bias")) {
                    editor.removeIndices(name("bias_ih", k, suffix), 0, gateRows);
                    editor.removeIndices(name("bias_hh", k, suffix), 0, gateRows);
                }
            }
        }
        editor.setAttribute("hidden_size", (long) hidden - idxs.size());
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        for (String suffix : suffixes(editor.node().attributes())) {
            editor.removeIndices(name("weight_ih", 0, suffix), 1, idxs);
        }
    }

    @Override
    public long macs(Node node) {
        Attributes a = node.attributes();
        long hidden = a.getLong("hidden_size");
        long perStep = 0;
        for (int k = 0; k < a.getInt("num_layers"); k++) {
            perStep += node.parameter(name("weight_ih", k, "")).shape().size()
                    + node.parameter(name("weight_hh", k, "")).shape().size() + 10 * hidden;
            if (a.getBoolean("bias")) {
                perStep += 2 * GATES * hidden;
            }
        }
        Shape x = node.input().shape();
        return perStep * x.get(0) * x.get(1) * directions(a);
    }

    /** The indices {@code i + c * period} for every i and c in [0, copies). */
    private static IndexSet repeated(IndexSet idxs, int period, int copies) {
        return IndexSet.of(IntStream.range(0, copies)
                .flatMap(c -> idxs.stream().map(i -> i + c * period)).toArray());
    }

    private static int directions(Attributes a) {
        return a.getBoolean("bidirectional") ? 2 : 1;
    }

    private static List<String> suffixes(Attributes a) {
        return a.getBoolean("bidirectional") ? List.of("", "_reverse") : List.of("");
    }

    private static String name(String kind, int layer, String suffix) {
        return kind + "_l" + layer + suffix;
    }

    @Override
    public boolean isDefaultRoot(Node node) {
        return true;
    }
}
