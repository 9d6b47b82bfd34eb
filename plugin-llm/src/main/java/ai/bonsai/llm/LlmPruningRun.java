package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilders;
import ai.bonsai.api.graph.GraphRunner;
import ai.bonsai.api.prune.DependencyGroups;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.NamePattern;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run of the {@link LlmPruner}: when it starts, removes whole layers and then query heads by
 * rebuilding the graph, then rotary pairs of head dimensions in place ({@link HeadDimPruning});
 * its one step is the DepGraph pruner's step over key/value groups, MLP channels and the hidden
 * size of the (rebuilt) graph.
 */
final class LlmPruningRun implements PruningRun {

    private final Graph graph;
    private final Graph rebuilt;
    private final PruningRun width;

    /**
     * The host services a run uses.
     *
     * @param builders builders for rebuilt graphs
     * @param runner runs the graph on calibration data
     * @param groups DepGraph groups, to score whole layers
     */
    record Services(GraphBuilders builders, GraphRunner runner, DependencyGroups groups) {
    }

    private LlmPruningRun(Graph graph, Graph rebuilt, PruningRun width) {
        this.graph = graph;
        this.rebuilt = rebuilt;
        this.width = width;
    }

    /**
     * Starts a run.
     *
     * @param graph the decoder graph (left to the caller)
     * @param config the plan's common settings: criterion, ratio, global, ratios, ignored layers
     * @param calibration the calibration batches (input ids)
     * @param s the pruner's parameters
     * @param meta the host's DepGraph pruner
     * @param services the host services
     * @return the run
     * @throws ConfigException naming the field that does not fit the model
     */
    static LlmPruningRun start(Graph graph, PruningConfig config, List<NDList> calibration,
            LlmPruneSettings s, Pruner meta, Services services) {
        LlmConfig model = decoder(graph);
        if (config.steps() != 1) {
            throw new ConfigException("pruner.steps", "pruner 'llm' takes one step, found "
                    + config.steps());
        }
        int layers = model.layers().size();
        int[] range = s.layers().orElse(new int[] {0, layers});
        if (range[1] > layers) {
            throw new ConfigException("pruner.layers", "[" + range[0] + ", " + range[1]
                    + ") exceeds the model's " + layers + " layers");
        }
        if (s.removeLayers() >= layers) {
            throw new ConfigException("pruner.remove_layers", "can remove 0 to " + (layers - 1)
                    + " of the model's " + layers + " layers, found " + s.removeLayers());
        }
        if (s.removeLayers() > 0 && s.layers().isPresent()) {
            throw new ConfigException("pruner.layers", "a layer range numbers the layers of the"
                    + " model as read; give it without remove_layers, or prune in two runs");
        }
        boolean uniform = s.uniform().orElse(!config.globalPruning());
        double heads = s.headRatio().orElse(config.ratio());
        double mlp = s.mlpRatio().orElse(config.ratio());
        boolean queryHeads = s.headMode() == LlmPruneSettings.HeadMode.QUERY_HEADS;
        double hidden = s.hiddenRatio().orElse(uniform && range[0] == 0 && range[1] == layers
                && s.headDimRatio() == 0 ? hiddenFollowingHeads(model, heads, queryHeads) : 0);
        Graph current = graph;
        if (s.removeLayers() > 0) {
            current = removeLayers(current, config, calibration, s, services);
        }
        if (queryHeads && heads > 0) {
            Graph before = current;
            current = QueryHeadPruning.prune(current, heads, range[0],
                    Math.min(range[1], GraphShapes.of(current).layers().size()),
                    services.builders().newBuilder(current.name(), 0)).graph();
            if (before != graph) {
                before.close();
            }
        }
        try {
            LlmConfig now = GraphShapes.of(current);
            int last = Math.min(range[1], now.layers().size());
            Map<Integer, Double> layerMlp = new HashMap<>();
            for (int i = 0; i < now.layers().size(); i++) {
                String gate = TensorLayout.layer(i) + "mlp.gate_proj";
                if (config.overrideFor(gate).isPresent()) {
                    layerMlp.put(i, config.ratioFor(gate));
                }
            }
            PruningConfig widthConfig = new WidthPlan(queryHeads ? 0 : heads, mlp, hidden, uniform,
                    range[0], last, layerMlp)
                    .toConfig(now, config.importance()).toBuilder()
                    .optIgnoredLayers(config.ignoredLayers().stream().map(NamePattern::glob).toList())
                    .optRoundTo(config.roundTo()).optMaxPruningRatio(config.maxPruningRatio())
                    .build();
            if (s.headDimRatio() > 0) {
                HeadDimPruning.prune(current, s.headDimRatio(), range[0], last, config.importance(),
                        services.groups(), calibration);
            }
            return new LlmPruningRun(graph, current, meta.start(current, widthConfig));
        } catch (RuntimeException e) {
            if (current != graph) {
                current.close();
            }
            throw e;
        }
    }

    private static LlmConfig decoder(Graph graph) {
        if (!graph.metadata().containsKey(DecoderGraph.META_CONFIG)) {
            throw new ConfigException("pruner.name", "pruner 'llm' prunes decoder models read from"
                    + " Hugging Face folders (llama, mistral, qwen2, qwen3); graph '"
                    + graph.name() + "' is not one");
        }
        return GraphShapes.of(graph);
    }

    /**
     * The hidden-size ratio that keeps {@code hidden_size = num_attention_heads × head_dim} when
     * every layer loses the same heads, for a model that has that relation; 0 otherwise. The
     * ratio is placed half a channel below the exact fraction so that the pruner's rounding
     * keeps exactly {@code heads left × head_dim} channels.
     */
    private static double hiddenFollowingHeads(LlmConfig model, double ratio, boolean queryHeads) {
        if (ratio == 0 || !model.uniform()) {
            return 0;
        }
        LayerShape l = model.layers().get(0);
        if (model.hiddenSize() != l.numHeads() * l.headDim()) {
            return 0;
        }
        int headsLeft = queryHeads
                ? l.numHeads() - (int) Math.round(ratio * l.groupSize()) * l.numKvHeads()
                : l.numHeads() - (int) Math.ceil(ratio * l.numKvHeads()) * l.groupSize();
        if (headsLeft <= 0 || headsLeft == l.numHeads()) {
            return 0;
        }
        return 1 - (headsLeft * l.headDim() + 0.5) / model.hiddenSize();
    }

    private static Graph removeLayers(Graph graph, PruningConfig config, List<NDList> calibration,
            LlmPruneSettings s, Services services) {
        double[] scores;
        if (s.layerCriterion() == LlmPruneSettings.LayerCriterion.IMPORTANCE) {
            scores = LayerImportance.of(graph, config.importance(), services.groups(), calibration);
        } else {
            if (calibration.isEmpty()) {
                throw new ConfigException("pruner.remove_layers", "block influence needs"
                        + " calibration data (input ids): calibration: [input_ids.safetensors]");
            }
            List<NDArray> ids = calibration.stream().map(NDList::head).toList();
            scores = BlockInfluence.of(graph,
                    (in, observer) -> services.runner().forward(graph, in, observer), ids);
        }
        return DepthPruning.remove(graph, DepthPruning.lowest(scores, s.removeLayers()),
                services.builders().newBuilder(graph.name(), 0));
    }

    @Override
    public int steps() {
        return width.steps();
    }

    @Override
    public int currentStep() {
        return width.currentStep();
    }

    @Override
    public Iterator<Group> stepInteractive() {
        return width.stepInteractive();
    }

    @Override
    public Optional<Graph> rebuilt() {
        return rebuilt == graph ? Optional.empty() : Optional.of(rebuilt);
    }
}
