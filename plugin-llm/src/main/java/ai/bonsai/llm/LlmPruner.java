package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilders;
import ai.bonsai.api.graph.GraphRunner;
import ai.bonsai.api.plugin.ExtensionLookup;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.DependencyGroups;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.djl.ndarray.NDList;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code llm}: prunes a decoder model read from a Hugging Face folder by name from a plan: whole
 * decoder layers (ranked by block influence on the calibration data, or by the plan's criterion),
 * attention heads GQA-aware
 * in either mode, head dimensions by whole rotary pairs ({@code HeadDimPruning}), MLP channels, the
 * hidden size, every layer alike or ranked across layers, in a layer range. Layers and query heads
 * are removed by rebuilding the graph when the run starts ({@link PruningRun#rebuilt()}), then
 * rotary pairs through the host's DepGraph ({@link DependencyGroups}); heads by key/value group,
 * MLP channels and the hidden size then go through the host's DepGraph ({@code meta}) pruner with
 * the plan's criterion.
 *
 * <pre>{@code
 * pruner:
 *   name: llm
 *   ratio: 0.25                      # heads and MLP channels, unless given below
 *   parameters: {head_mode: query_heads, mlp_ratio: 0.3, remove_layers: 1}
 * calibration: [input_ids.safetensors]   # for remove_layers (block influence)
 * }</pre>
 *
 * <p>See {@link LlmPruneSettings} for the parameters and {@code docs/llm.md}.
 */
@Extension
public final class LlmPruner implements Pruner {

    private final ExtensionLookup extensions;
    private final GraphBuilders builders;
    private final GraphRunner runner;
    private final DependencyGroups groups;
    private final LlmPruneSettings settings;

    /**
     * Creates the pruner with every parameter at its default (the host injects the services).
     *
     * @param extensions finds the host's DepGraph pruner
     * @param builders makes builders for rebuilt graphs
     * @param runner runs the model on calibration data
     * @param groups scores whole layers with the plan's criterion
     */
    @Inject
    public LlmPruner(ExtensionLookup extensions, GraphBuilders builders, GraphRunner runner,
            DependencyGroups groups) {
        this(extensions, builders, runner, groups, LlmPruneSettings.DEFAULTS);
    }

    private LlmPruner(ExtensionLookup extensions, GraphBuilders builders, GraphRunner runner,
            DependencyGroups groups, LlmPruneSettings settings) {
        this.extensions = extensions;
        this.builders = builders;
        this.runner = runner;
        this.groups = groups;
        this.settings = settings;
    }

    @Override
    public String name() {
        return "llm";
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return LlmPruneSettings.DECLARATIONS;
    }

    @Override
    public Pruner withParameters(Map<String, ?> parameters) {
        return new LlmPruner(extensions, builders, runner, groups,
                LlmPruneSettings.parse(parameters));
    }

    @Override
    public boolean needsCalibration() {
        return settings.removeLayers() > 0
                && settings.layerCriterion() == LlmPruneSettings.LayerCriterion.BLOCK_INFLUENCE;
    }

    @Override
    public PruningRun start(Graph graph, PruningConfig config) {
        return start(graph, config, List.of());
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException naming {@code pruner.FIELD} when the settings do not fit the model
     *     (a layer range beyond its layers, a head ratio that removes no query head, calibration
     *     data missing for block influence)
     */
    @Override
    public PruningRun start(Graph graph, PruningConfig config, List<NDList> calibration) {
        Pruner meta = extensions.extensions(Pruner.class).stream()
                .filter(p -> p.name().equals("meta")).findFirst()
                .orElseThrow(() -> new ConfigException("pruner.name", "pruner 'llm' prunes width"
                        + " through the host's 'meta' pruner, which is not loaded"));
        return LlmPruningRun.start(graph, config, calibration, settings, meta,
                new LlmPruningRun.Services(builders, runner, groups));
    }
}
