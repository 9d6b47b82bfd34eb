package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What to remove from a decoder model's width, turned into a {@link PruningConfig} for a
 * DepGraph pruner (Bonsai's {@code meta} pruner).
 *
 * <p>Attention heads are removed GQA-aware: a key/value head goes with its whole group of query
 * heads (one pruning group through the {@code attention} op's head repeat), so {@code headRatio}
 * is the fraction of key/value groups removed ({@code ceil(headRatio × num_key_value_heads)} per
 * layer when uniform). Query heads removed evenly inside every group cannot be a DepGraph group
 * (see {@link QueryHeadPruning}, which rebuilds the graph instead); head dimensions are not part of
 * the plan (the meta pruner is told not to prune them): the {@code llm} pruner removes whole rotary
 * pairs itself ({@code HeadDimPruning}) before this plan's step. MLP intermediate
 * channels go by {@code mlpRatio}; the hidden size (embedding, every norm, every projection,
 * lm_head) by {@code hiddenRatio}. Only layers in {@code [firstLayer, lastLayer)} lose heads and
 * MLP channels. {@code uniform} ranks each layer on its own so that every layer keeps the same
 * sizes (a standard checkpoint); otherwise heads and MLP channels are ranked across layers (one
 * threshold) and the result records per-layer sizes under the {@code bonsai} config key. A model
 * with {@code hidden_size = num_attention_heads × head_dim} keeps that relation (which JVM engines
 * such as Jlama assume) when heads and hidden size go by the same ratio and the ratio removes whole
 * key/value groups (0.25 of 4 key/value heads, say).
 *
 * @param headRatio the fraction of key/value groups (with their query heads) to remove
 * @param mlpRatio the fraction of MLP intermediate channels to remove
 * @param hiddenRatio the fraction of hidden channels to remove
 * @param uniform prune every layer alike
 * @param firstLayer the first layer pruned
 * @param lastLayer one past the last layer pruned ({@code num_hidden_layers} for all)
 * @param layerMlpRatios MLP ratios of single layers, replacing {@code mlpRatio} there (the layer
 *     range still applies)
 */
public record WidthPlan(double headRatio, double mlpRatio, double hiddenRatio, boolean uniform,
        int firstLayer, int lastLayer, Map<Integer, Double> layerMlpRatios) {

    /**
     * Validates the ratios and copies the per-layer ones.
     */
    public WidthPlan {
        check("head_ratio", headRatio);
        check("mlp_ratio", mlpRatio);
        check("hidden_ratio", hiddenRatio);
        layerMlpRatios = Map.copyOf(layerMlpRatios);
        layerMlpRatios.forEach((layer, r) -> check("ratios[layer " + layer + "]", r));
        if (firstLayer < 0 || lastLayer < firstLayer) {
            throw new ConfigException("pruner.layers", "must be a range first <= last, found ["
                    + firstLayer + ", " + lastLayer + ")");
        }
    }

    /**
     * A plan with one MLP ratio in every layer of the range.
     *
     * @param headRatio the fraction of key/value groups to remove
     * @param mlpRatio the fraction of MLP channels to remove
     * @param hiddenRatio the fraction of hidden channels to remove
     * @param uniform prune every layer alike
     * @param firstLayer the first layer pruned
     * @param lastLayer one past the last layer pruned
     */
    public WidthPlan(double headRatio, double mlpRatio, double hiddenRatio, boolean uniform,
            int firstLayer, int lastLayer) {
        this(headRatio, mlpRatio, hiddenRatio, uniform, firstLayer, lastLayer, Map.of());
    }

    /**
     * Returns this plan with another MLP ratio in one layer.
     *
     * @param layer the layer
     * @param ratio its MLP ratio
     * @return the plan
     */
    public WidthPlan withLayerMlpRatio(int layer, double ratio) {
        Map<Integer, Double> ratios = new java.util.HashMap<>(layerMlpRatios);
        ratios.put(layer, ratio);
        return new WidthPlan(headRatio, mlpRatio, hiddenRatio, uniform, firstLayer, lastLayer, ratios);
    }

    private static void check(String field, double ratio) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new ConfigException("pruner." + field, "must be in [0, 1), found " + ratio);
        }
    }

    /**
     * The family default: every layer alike, heads and MLP channels by one ratio, hidden size
     * kept, so that the result is a standard checkpoint.
     *
     * @param ratio the ratio of heads and of MLP channels
     * @param layers the number of layers
     * @return the plan
     */
    public static WidthPlan uniform(double ratio, int layers) {
        return new WidthPlan(ratio, ratio, 0, true, 0, layers);
    }

    /**
     * Builds the pruning config for a model.
     *
     * @param model the model's config (its current layer sizes)
     * @param importance the criterion
     * @return the config for one step
     * @throws ConfigException if the layer range or a per-layer ratio's layer exceeds the model
     */
    public PruningConfig toConfig(LlmConfig model, ImportanceCriterion importance) {
        int layers = model.layers().size();
        if (lastLayer > layers) {
            throw new ConfigException("pruner.layers", "[" + firstLayer + ", " + lastLayer
                    + ") exceeds the model's " + layers + " layers");
        }
        for (int layer : layerMlpRatios.keySet()) {
            if (layer < 0 || layer >= layers) {
                throw new ConfigException("pruner.ratios[layer " + layer + "]", "no such layer; the model has "
                        + layers);
            }
        }
        List<String> ignored = new ArrayList<>();
        PruningConfig.Builder b = PruningConfig.builder().setImportance(importance).optRatio(0)
                .optGlobalPruning(!uniform).optPruneHeadDims(false)
                .optPruneNumHeads(headRatio > 0).optHeadRatio(headRatio);
        for (int i = 0; i < layers; i++) {
            String p = TensorLayout.layer(i);
            boolean inRange = i >= firstLayer && i < lastLayer;
            b.optNumHeads(p + "self_attn.k_proj", model.layers().get(i).numKvHeads());
            if (!inRange || headRatio == 0) {
                ignored.add(p + "self_attn.k_proj");
            }
            double mlp = layerMlpRatios.getOrDefault(i, mlpRatio);
            if (inRange && mlp > 0) {
                b.optRatio(p + "mlp.gate_proj", mlp);
            } else {
                ignored.add(p + "mlp.gate_proj");
            }
        }
        if (hiddenRatio > 0) {
            b.optRatio("model.embed_tokens.weight", hiddenRatio);
        } else {
            ignored.add("model.embed_tokens.weight");
        }
        return b.optIgnoredLayers(ignored).build();
    }
}
