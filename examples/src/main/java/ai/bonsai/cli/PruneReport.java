package ai.bonsai.cli;

import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.embed.LayerChange;
import ai.bonsai.core.embed.PruningResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code bonsai prune} did: settings, params and MACs before and after, and the kept
 * output channels of every pruned layer in the original numbering.
 *
 * @param model the model file
 * @param importance the criterion's command-line name
 * @param ratio the pruning ratio
 * @param global whether channels were ranked across groups
 * @param roundTo channels left were rounded down to a multiple of this
 * @param ignored the ignored node patterns, classifiers included
 * @param before cost before pruning
 * @param after cost after pruning
 * @param layers the pruned layers by node name, in graph order
 */
record PruneReport(
        String model,
        String importance,
        double ratio,
        boolean global,
        int roundTo,
        List<String> ignored,
        ModelCost before,
        ModelCost after,
        Map<String, Layer> layers) {

    /**
     * One pruned layer.
     *
     * @param outChannelsBefore output channels before pruning
     * @param keptOutChannels the original indices of the output channels left
     */
    record Layer(int outChannelsBefore, List<Integer> keptOutChannels) {
    }

    /**
     * Returns the report of a pruning run.
     *
     * @param model the model file, as given
     * @param result the run's result
     * @param global whether channels were ranked across groups
     * @param roundTo channels left were rounded down to a multiple of this
     * @return the report
     */
    static PruneReport of(String model, PruningResult result, boolean global, int roundTo) {
        Map<String, Layer> layers = new LinkedHashMap<>();
        for (LayerChange l : result.layers()) {
            layers.put(l.name(), new Layer(l.outChannelsBefore(), l.keptOutChannels()));
        }
        return new PruneReport(model, result.criterion(), result.ratio(), global, roundTo,
                result.ignored(), result.before(), result.after(), layers);
    }

    /**
     * Prints the before/after table.
     *
     * @param out where to print
     */
    void print(PrintWriter out) {
        out.printf("%-24s %15s %15s %8s%n", "", "before", "after", "ratio");
        out.printf("%-24s %,15d %,15d %7.2fx%n", "params", before.params(), after.params(),
                (double) before.params() / after.params());
        out.printf("%-24s %,15d %,15d %7.2fx%n", "MACs", before.macs(), after.macs(),
                (double) before.macs() / after.macs());
        out.printf("%-24s %15s%n", "layer", "out channels");
        layers.forEach((name, l) -> out.printf("%-24s %15s%n", name,
                l.outChannelsBefore() + " -> " + l.keptOutChannels().size()));
    }

    /**
     * Returns the JSON form: params and MACs before/after and kept channels per layer, with
     * the field names of Torch-Pruning's reference files where they exist.
     *
     * @return a tree of maps and lists
     */
    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model);
        Map<String, Object> setting = new LinkedHashMap<>();
        setting.put("importance", importance);
        setting.put("ratio", ratio);
        setting.put("global_pruning", global);
        setting.put("round_to", roundTo);
        setting.put("ignored_layers", ignored);
        root.put("setting", setting);
        root.put("params_before", before.params());
        root.put("params_after", after.params());
        root.put("macs_before", before.macs());
        root.put("macs_after", after.macs());
        Map<String, List<Integer>> kept = new LinkedHashMap<>();
        layers.forEach((name, l) -> kept.put(name, l.keptOutChannels()));
        root.put("kept_out_channels", kept);
        return root;
    }
}
