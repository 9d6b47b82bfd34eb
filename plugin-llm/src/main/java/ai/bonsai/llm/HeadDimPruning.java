package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.DependencyGroups;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Head-dimension pruning under rotary embeddings: every head of a layer loses the same rotary
 * pairs (dimensions i and i + head_dim/2, which rotate together), so all heads keep one head_dim
 * and the kept pairs keep their original frequencies ({@link RopePairs}).
 *
 * <p>A pair scores the sum of the importances of its two dimensions under the plan's criterion,
 * over every key/value head: the criterion scores the layer's attention group rooted at {@code
 * k_proj} (DepGraph couples each key dimension with the same dimension of its value head, of every
 * query head of its group and of {@code o_proj}'s input), so a dimension's score already covers
 * q, k, v and o. Each layer in the range loses its {@code round(ratio × head_dim/2)} lowest pairs
 * (ties: the lower index goes first) through one DepGraph group rooted at {@code k_proj}: q, k and
 * v projections lose the rows (and bias entries), Qwen3's {@code q_norm}/{@code k_norm} the weight
 * entries, {@code o_proj} the columns, the rotary nodes the pairs. Every layer is scored before
 * any is pruned; a calibrated criterion is fed the calibration batches first and reset afterwards.
 */
final class HeadDimPruning {

    private HeadDimPruning() {
    }

    /**
     * Removes the lowest-scored rotary pairs of every head in a range of layers.
     *
     * @param g a graph built by {@link DecoderGraph}, pruned in place
     * @param ratio the fraction of each head's rotary pairs to remove
     * @param firstLayer the first layer pruned
     * @param lastLayer one past the last layer pruned
     * @param criterion the plan's criterion
     * @param groups the host's DepGraph
     * @param calibration the calibration batches, for a calibrated criterion
     * @return per pruned layer (from {@code firstLayer}), the removed pairs' indices in the base
     *     head size's numbering, ascending
     * @throws ConfigException naming {@code pruner.head_dim_ratio} when the ratio removes no pair
     *     or every pair of a layer, or the criterion cannot score a layer; nothing is pruned then
     */
    static List<int[]> prune(Graph g, double ratio, int firstLayer, int lastLayer, ImportanceCriterion criterion,
            DependencyGroups groups, List<NDList> calibration) {
        LlmConfig config = GraphShapes.of(g);
        for (int i = firstLayer; i < lastLayer; i++) {
            int pairs = config.layers().get(i).headDim() / 2;
            int count = (int) Math.round(ratio * pairs);
            if (count < 1 || count >= pairs) {
                throw new ConfigException("pruner.head_dim_ratio", ratio + " removes " + count + " of the "
                        + pairs + " rotary pairs of each head in layer " + i + "; must be 1 to " + (pairs - 1));
            }
        }
        CalibratedCriterion calibrated = criterion instanceof CalibratedCriterion c ? c : null;
        if (calibrated != null) {
            calibrated.reset();
            calibration.forEach(batch -> calibrated.accumulate(g, batch));
        }
        List<int[]> chosen = new ArrayList<>();
        try {
            for (int i = firstLayer; i < lastLayer; i++) {
                LayerShape l = config.layers().get(i);
                Node k = g.node(TensorLayout.layer(i) + "self_attn.k_proj");
                double[] scores = criterion.score(groups.ofAllOutChannels(g, k)).orElseThrow(() ->
                        new ConfigException("pruner.head_dim_ratio", "criterion '" + criterion.name()
                                + "' gives no scores for the attention group of '" + k.name() + "'"));
                chosen.add(lowestPairs(scores, l, (int) Math.round(ratio * l.headDim() / 2)));
            }
        } finally {
            if (calibrated != null) {
                calibrated.reset();
            }
        }
        List<int[]> removed = new ArrayList<>();
        for (int i = firstLayer; i < lastLayer; i++) {
            LayerShape l = config.layers().get(i);
            int[] pairs = chosen.get(i - firstLayer);
            Node k = g.node(TensorLayout.layer(i) + "self_attn.k_proj");
            groups.ofOutChannels(g, k, channels(pairs, l)).prune();
            removed.add(IntStream.of(pairs).map(l.rope().kept()::get).toArray());
        }
        return removed;
    }

    /**
     * Returns the positions (in the layer's current head) of the lowest-scored pairs.
     *
     * @param scores one score per key channel, {@code kvHead × headDim + j}
     * @param l the layer
     * @param count how many pairs
     * @return the pair positions, ascending
     */
    private static int[] lowestPairs(double[] scores, LayerShape l, int count) {
        int d = l.headDim();
        int half = d / 2;
        double[] pair = new double[half];
        for (int h = 0; h < l.numKvHeads(); h++) {
            for (int j = 0; j < half; j++) {
                pair[j] += scores[h * d + j] + scores[h * d + j + half];
            }
        }
        return IntStream.range(0, half).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> pair[j]).thenComparing(j -> j))
                .limit(count).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The key channels of some pairs in every key/value head. */
    private static IndexSet channels(int[] pairs, LayerShape l) {
        int d = l.headDim();
        return IndexSet.of(IntStream.range(0, l.numKvHeads())
                .flatMap(h -> IntStream.of(pairs).flatMap(j -> IntStream.of(h * d + j, h * d + j + d / 2)))
                .toArray());
    }
}
