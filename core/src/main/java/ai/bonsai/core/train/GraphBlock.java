package ai.bonsai.core.train;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Bonsai {@link Graph} as a DJL {@link ai.djl.nn.Block}, for DJL's {@link
 * ai.djl.training.Trainer} and {@link ai.djl.inference.Predictor}.
 *
 * <p>The block's DJL parameters <em>are</em> the graph's parameters: each holds the very array
 * of its graph parameter, under the same name ({@code layer1.0.conv1.weight}). Weights take
 * gradients; running statistics are registered too (so {@code saveParameters} writes them) but
 * take none, and a training-mode forward updates them exactly as {@link GraphExecutor} does. A
 * trainer's step therefore updates the graph itself, and a later prune or export sees the
 * trained weights.
 *
 * <p>Every training-mode forward pass first checks that the trainable parameters are finite and
 * then that the outputs are, and throws a {@link GraphException} naming the parameter or output
 * otherwise: a step that produced a NaN stops the training at once instead of leaving a model
 * with chance accuracy.
 *
 * <p>Pruning replaces the graph's arrays. A block wrapped before pruning refuses to run
 * afterwards ({@link GraphException} naming the first stale parameter): wrap the pruned graph
 * in a new {@code GraphBlock}, with a new model and trainer. The graph must live on the device
 * the trainer trains on (DJL's CPU engine: the CPU), so that DJL uses the arrays themselves
 * rather than copies.
 *
 * <pre>{@code
 * try (Model model = Model.newInstance("pruned")) {
 *     model.setBlock(new GraphBlock(graph));
 *     DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
 *             .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build())
 *             .addEvaluator(new Accuracy());
 *     try (Trainer trainer = model.newTrainer(config)) {
 *         trainer.initialize(new Shape(32, 1, 28, 28));
 *         EasyTrain.fit(trainer, 2, trainSet, testSet);
 *     }
 * }
 * }</pre>
 */
public final class GraphBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Graph graph;
    private final GraphExecutor executor;
    private final Map<Parameter, ai.bonsai.api.graph.Parameter> sources = new LinkedHashMap<>();

    /**
     * Wraps a graph; its parameters are materialized (pending pruning selections applied) and
     * registered as this block's parameters, holding the graph's own arrays.
     *
     * @param graph the graph, with one input and one output
     * @throws GraphException if the graph has more than one input or output
     */
    public GraphBlock(Graph graph) {
        super(VERSION);
        if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
            throw new GraphException("graph '" + graph.name() + "' has " + graph.inputs().size()
                    + " inputs and " + graph.outputs().size()
                    + " outputs; GraphBlock wraps graphs with one of each");
        }
        this.graph = graph;
        this.executor = new GraphExecutor(graph);
        for (ai.bonsai.api.graph.Parameter p : graph.parameters().values()) {
            Parameter djl = addParameter(Parameter.builder()
                    .setName(p.name())
                    .setType(p.trainable() ? Parameter.Type.WEIGHT : Parameter.Type.OTHER)
                    .optRequiresGrad(p.trainable())
                    .build());
            djl.setArray(p.array());
            sources.put(djl, p);
        }
        inputNames = List.of(graph.inputs().get(0).name());
    }

    /**
     * Returns the wrapped graph.
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    /**
     * Runs the graph through {@link GraphExecutor}, in training mode when DJL asks for it.
     *
     * @param parameterStore the store that hands out (and, in training, updates) the parameters
     * @param inputs the graph's input
     * @param training training mode: batch statistics, running-statistics updates, dropout
     * @param params unused
     * @return the graph's output
     * @throws GraphException if the graph was pruned after wrapping, the store hands out copies
     *     of the graph's arrays (another device than the graph's), or training left a NaN or an
     *     infinity in a parameter or an output
     */
    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs,
            boolean training, PairList<String, Object> params) {
        for (Map.Entry<Parameter, ai.bonsai.api.graph.Parameter> e : sources.entrySet()) {
            NDArray current = e.getValue().array();
            if (current != e.getKey().getArray()) {
                throw new GraphException("graph '" + graph.name() + "': parameter '"
                        + e.getKey().getName() + "' was replaced after it was wrapped (pruned or"
                        + " reloaded); wrap the graph in a new GraphBlock");
            }
            NDArray used = parameterStore.getValue(e.getKey(), inputs.head().getDevice(), training);
            if (used != current) {
                throw new GraphException("graph '" + graph.name() + "': parameter '"
                        + e.getKey().getName() + "' lives on " + current.getDevice()
                        + " but the input is on " + inputs.head().getDevice()
                        + "; train on the graph's device");
            }
        }
        if (!training) {
            return executor.forward(inputs, false);
        }
        FiniteValues.requireFiniteParameters(graph);
        NDList outputs = executor.forward(inputs, true);
        FiniteValues.requireFiniteOutputs(graph, outputs);
        return outputs;
    }

    /**
     * Returns the graph's output shape with the batch size of the input.
     *
     * @param inputShapes the input shape
     * @return the output shape
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] dims = graph.outputs().get(0).shape().getShape().clone();
        dims[0] = inputShapes[0].get(0);
        return new Shape[] {new Shape(dims)};
    }

    @Override
    public String toString() {
        return "GraphBlock(" + graph.name() + ", " + sources.size() + " parameters)";
    }
}
