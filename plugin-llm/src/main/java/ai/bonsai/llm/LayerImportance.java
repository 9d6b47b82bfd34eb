package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.DependencyGroups;
import ai.djl.ndarray.NDList;
import java.util.Arrays;
import java.util.List;

/**
 * Each decoder layer's importance under a pruning criterion: the sum of the scores the criterion
 * gives every channel of the layer's attention group (rooted at {@code k_proj}: the key/value
 * heads with their query heads, values and {@code o_proj} columns) and of its MLP group (rooted
 * at {@code gate_proj}). A calibrated criterion (Taylor, Wanda, FLAP) is fed the calibration
 * batches first and reset afterwards. The lowest-scoring layers are the first to go, as with
 * LLM-Pruner's block-level importance.
 */
final class LayerImportance {

    private static final List<String> ROOTS = List.of("self_attn.k_proj", "mlp.gate_proj");

    private LayerImportance() {
    }

    /**
     * Scores every layer.
     *
     * @param g a graph built by {@link DecoderGraph}
     * @param criterion the plan's criterion
     * @param groups the host's DepGraph
     * @param calibration the calibration batches, for a calibrated criterion
     * @return one score per layer, in layer order
     * @throws ConfigException naming {@code pruner.layer_criterion} when the criterion gives every
     *     layer the same total (a normalizer that makes each group's scores average alike)
     */
    static double[] of(Graph g, ImportanceCriterion criterion, DependencyGroups groups,
            List<NDList> calibration) {
        CalibratedCriterion calibrated = criterion instanceof CalibratedCriterion c ? c : null;
        if (calibrated != null) {
            calibrated.reset();
            calibration.forEach(batch -> calibrated.accumulate(g, batch));
        }
        int layers = GraphShapes.of(g).layers().size();
        double[] scores = new double[layers];
        for (int i = 0; i < layers; i++) {
            for (String root : ROOTS) {
                scores[i] += criterion.score(groups.ofAllOutChannels(g, g.node(TensorLayout.layer(i) + root)))
                        .map(s -> Arrays.stream(s).sum()).orElse(0.0);
            }
        }
        if (calibrated != null) {
            calibrated.reset();
        }
        double min = Arrays.stream(scores).min().orElse(0);
        double max = Arrays.stream(scores).max().orElse(0);
        if (layers > 1 && max - min <= 1e-4 * Math.abs(max)) {
            throw new ConfigException("pruner.layer_criterion", "criterion '" + criterion.name()
                    + "' gives every layer the same total " + max + " (its normalizer makes each"
                    + " group's scores average alike): give the importance parameter normalizer: none");
        }
        return scores;
    }
}
