package ai.bonsai.core.report;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.LayerCost;
import ai.bonsai.core.count.LayerCounter;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.embed.PrunedGroup;
import ai.bonsai.core.embed.PruningResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one pruning run did, as a report page shows it: the model, the settings, parameters and
 * MACs before and after, the per-layer table and the printouts of the pruned groups.
 *
 * <pre>{@code
 * List<LayerCost> before = LayerCounter.count(graph);
 * ModelCost costBefore = OpCounter.count(graph);
 * GroupLog groups = GroupLog.withDefaults();
 * // ... prune, calling groups.record(g) before each g.prune()
 * PruningReport report = PruningReport.of("model.onnx", settings, costBefore,
 *         OpCounter.count(graph), before, LayerCounter.count(graph), groups);
 * ReportPage.write(report, Path.of("report.html"));
 * }</pre>
 *
 * @param model what was pruned (a file name or a model name)
 * @param settings the pruning settings by name, in display order
 * @param before parameters and MACs of the whole model before pruning
 * @param after parameters and MACs of the whole model after pruning
 * @param layers the parameterised layers, in graph order
 * @param groups the kept group printouts
 * @param groupCount how many groups were pruned (at least {@code groups.size()})
 */
public record PruningReport(
        String model,
        Map<String, String> settings,
        ModelCost before,
        ModelCost after,
        List<LayerChange> layers,
        List<String> groups,
        int groupCount) {

    /**
     * Copies the collections and checks the counts.
     *
     * @throws IllegalArgumentException if a value is missing or {@code groupCount} is smaller
     *     than the number of printouts
     */
    public PruningReport {
        if (model == null || before == null || after == null) {
            throw new IllegalArgumentException("pruning report: model, before and after are required");
        }
        if (groupCount < groups.size()) {
            throw new IllegalArgumentException("pruning report: groupCount " + groupCount
                    + " is smaller than the " + groups.size() + " group printouts");
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        layers = List.copyOf(layers);
        groups = List.copyOf(groups);
    }

    /**
     * Builds a report by pairing the layers counted before and after pruning by name.
     *
     * @param model what was pruned
     * @param settings the pruning settings by name
     * @param before the whole model's cost before pruning
     * @param after the whole model's cost after pruning
     * @param layersBefore {@link ai.bonsai.core.count.LayerCounter#count} before pruning
     * @param layersAfter {@link ai.bonsai.core.count.LayerCounter#count} after pruning
     * @param groups the groups recorded while pruning
     * @return the report
     */
    public static PruningReport of(String model, Map<String, String> settings, ModelCost before,
            ModelCost after, List<LayerCost> layersBefore, List<LayerCost> layersAfter,
            GroupLog groups) {
        return new PruningReport(model, settings, before, after, pair(layersBefore, layersAfter),
                groups.printouts(), groups.count());
    }

    /**
     * Builds the report of an embedding run ({@link ai.bonsai.core.embed.Bonsai#prune}), which
     * pruned a copy of {@code original}: one printout per pruned group (root, channels, members).
     *
     * @param model what was pruned
     * @param original the model before pruning
     * @param result the run's result
     * @return the report
     */
    public static PruningReport of(String model, Graph original, PruningResult result) {
        List<String> printouts = new ArrayList<>();
        for (PrunedGroup g : result.groups()) {
            StringBuilder sb = new StringBuilder();
            sb.append("step ").append(g.step()).append(": ").append(g.root()).append(", ")
                    .append(g.channels()).append(" channels");
            g.members().forEach(m -> sb.append('\n').append("  ").append(m));
            printouts.add(sb.toString());
        }
        return new PruningReport(model, result.settings(), result.before(), result.after(),
                pair(LayerCounter.count(original), LayerCounter.count(result.model().graph())),
                printouts, printouts.size());
    }

    private static List<LayerChange> pair(List<LayerCost> layersBefore, List<LayerCost> layersAfter) {
        Map<String, LayerCost> afterByName = new LinkedHashMap<>();
        for (LayerCost l : layersAfter) {
            afterByName.put(l.name(), l);
        }
        List<LayerChange> layers = new ArrayList<>(layersBefore.size());
        for (LayerCost l : layersBefore) {
            layers.add(new LayerChange(l, afterByName.get(l.name())));
        }
        return layers;
    }
}
