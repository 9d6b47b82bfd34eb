package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.plugin.ParameterDeclaration.Type;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * The {@code llm} pruner's parameters (a plan's {@code pruner.parameters}); unset ones take their
 * defaults from the plan's common fields when the run starts ({@code pruner.ratio} for heads and
 * MLP channels, {@code pruner.global} for {@code uniform}).
 *
 * @param headRatio the fraction of heads removed (of key/value groups, or of each group's query
 *     heads); empty for {@code pruner.ratio}
 * @param headMode how heads are removed, GQA-aware
 * @param mlpRatio the fraction of MLP channels removed; empty for {@code pruner.ratio}
 * @param hiddenRatio the fraction of hidden channels removed; empty for the default (the heads'
 *     fraction when uniform, {@code hidden_size = num_attention_heads × head_dim} and no head
 *     dimensions are pruned, else 0)
 * @param uniform prune every layer alike; empty for {@code not pruner.global}
 * @param layers the layer range {@code [start, end)} that loses heads and MLP channels; empty for
 *     every layer
 * @param removeLayers the number of whole decoder layers removed
 * @param layerCriterion how layers to remove are ranked
 * @param headDimRatio the fraction of rotary pairs (head dimensions i and i + head_dim/2) removed
 *     from every head of every layer in the range
 */
public record LlmPruneSettings(OptionalDouble headRatio, HeadMode headMode, OptionalDouble mlpRatio,
        OptionalDouble hiddenRatio, Optional<Boolean> uniform, Optional<int[]> layers,
        int removeLayers, LayerCriterion layerCriterion, double headDimRatio) {

    /** How attention heads are removed; both modes keep grouped-query attention consistent. */
    public enum HeadMode {
        /** A key/value head goes with its whole group of query heads (DepGraph). */
        KV_GROUPS,
        /** Query heads removed evenly inside every group; every key/value head kept (a rebuild). */
        QUERY_HEADS
    }

    /** How the layers that {@code remove_layers} removes are chosen. */
    public enum LayerCriterion {
        /** ShortGPT's block influence on the calibration data ({@link BlockInfluence}). */
        BLOCK_INFLUENCE,
        /** The plan's criterion, summed over each layer's groups ({@link LayerImportance}). */
        IMPORTANCE
    }

    /** Nothing set: every default. */
    public static final LlmPruneSettings DEFAULTS = new LlmPruneSettings(OptionalDouble.empty(),
            HeadMode.KV_GROUPS, OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty(),
            Optional.empty(), 0, LayerCriterion.BLOCK_INFLUENCE, 0);

    /** The declarations, in the order listings show them. */
    public static final List<ParameterDeclaration> DECLARATIONS = List.of(
            new ParameterDeclaration("head_ratio", Type.NUMBER, "pruner.ratio",
                    "fraction of attention heads removed, in [0, 1): of the key/value groups"
                            + " (kv_groups) or of each group's query heads (query_heads)"),
            new ParameterDeclaration("head_mode", Type.STRING, "kv_groups",
                    "kv_groups (a key/value head with its query group) or query_heads (query"
                            + " heads evenly inside every group, key/value heads kept)"),
            new ParameterDeclaration("mlp_ratio", Type.NUMBER, "pruner.ratio",
                    "fraction of MLP intermediate channels removed, in [0, 1)"),
            new ParameterDeclaration("hidden_ratio", Type.NUMBER, "heads' fraction or 0",
                    "fraction of hidden channels removed, in [0, 1); by default the heads'"
                            + " fraction when uniform, hidden_size = heads x head_dim and no"
                            + " head_dim_ratio, else 0"),
            new ParameterDeclaration("uniform", Type.BOOLEAN, "not pruner.global",
                    "prune every layer alike (a standard checkpoint); false ranks heads and MLP"
                            + " channels across layers"),
            new ParameterDeclaration("layers", Type.INTEGERS, "every layer",
                    "[start, end): only layers start .. end-1 lose heads and MLP channels"),
            new ParameterDeclaration("remove_layers", Type.INTEGER, "0",
                    "number of whole decoder layers removed (before width pruning)"),
            new ParameterDeclaration("layer_criterion", Type.STRING, "block_influence",
                    "how removed layers are chosen: block_influence (ShortGPT, needs"
                            + " calibration data) or importance (the plan's criterion summed over"
                            + " each layer's attention and MLP groups; with normalizer: none)"),
            new ParameterDeclaration("head_dim_ratio", Type.NUMBER, "0",
                    "fraction of rotary pairs (head dims i and i + head_dim/2) removed from every"
                            + " head, in [0, 1); the kept pairs keep their frequencies, so the result"
                            + " reloads exactly through Bonsai only"));

    /**
     * Reads parameters as a plan gives them.
     *
     * @param parameters the parameters by name ({@code head_ratio} or {@code headRatio})
     * @return the settings
     * @throws ConfigException naming {@code pruner.NAME} for an unknown name or a bad value
     */
    public static LlmPruneSettings parse(Map<String, ?> parameters) {
        LlmPruneSettings s = DEFAULTS;
        for (Map.Entry<String, ?> e : parameters.entrySet()) {
            String key = e.getKey().replace("_", "").toLowerCase(Locale.ROOT);
            Object v = e.getValue();
            switch (key) {
                case "headratio" -> s = new LlmPruneSettings(ratio(e.getKey(), v), s.headMode,
                        s.mlpRatio, s.hiddenRatio, s.uniform, s.layers, s.removeLayers,
                        s.layerCriterion, s.headDimRatio);
                case "headmode" -> s = new LlmPruneSettings(s.headRatio,
                        choice(e.getKey(), v, HeadMode.class), s.mlpRatio, s.hiddenRatio, s.uniform,
                        s.layers, s.removeLayers, s.layerCriterion, s.headDimRatio);
                case "mlpratio" -> s = new LlmPruneSettings(s.headRatio, s.headMode,
                        ratio(e.getKey(), v), s.hiddenRatio, s.uniform, s.layers, s.removeLayers,
                        s.layerCriterion, s.headDimRatio);
                case "hiddenratio" -> s = new LlmPruneSettings(s.headRatio, s.headMode,
                        s.mlpRatio, ratio(e.getKey(), v), s.uniform, s.layers, s.removeLayers,
                        s.layerCriterion, s.headDimRatio);
                case "uniform" -> s = new LlmPruneSettings(s.headRatio, s.headMode, s.mlpRatio,
                        s.hiddenRatio, Optional.of(bool(e.getKey(), v)), s.layers, s.removeLayers,
                        s.layerCriterion, s.headDimRatio);
                case "layers" -> s = new LlmPruneSettings(s.headRatio, s.headMode, s.mlpRatio,
                        s.hiddenRatio, s.uniform, Optional.of(range(e.getKey(), v)), s.removeLayers,
                        s.layerCriterion, s.headDimRatio);
                case "removelayers" -> s = new LlmPruneSettings(s.headRatio, s.headMode,
                        s.mlpRatio, s.hiddenRatio, s.uniform, s.layers, count(e.getKey(), v),
                        s.layerCriterion, s.headDimRatio);
                case "layercriterion" -> s = new LlmPruneSettings(s.headRatio, s.headMode,
                        s.mlpRatio, s.hiddenRatio, s.uniform, s.layers, s.removeLayers,
                        choice(e.getKey(), v, LayerCriterion.class), s.headDimRatio);
                case "headdimratio" -> s = new LlmPruneSettings(s.headRatio, s.headMode,
                        s.mlpRatio, s.hiddenRatio, s.uniform, s.layers, s.removeLayers,
                        s.layerCriterion, ratio(e.getKey(), v).getAsDouble());
                default -> throw new ConfigException("pruner." + e.getKey(),
                        "unknown parameter of pruner 'llm'; known: " + DECLARATIONS.stream()
                                .map(ParameterDeclaration::name).collect(Collectors.joining(", ")));
            }
        }
        return s;
    }

    private static OptionalDouble ratio(String name, Object v) {
        if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() < 1)) {
            throw new ConfigException("pruner." + name, "must be a number in [0, 1), found " + v);
        }
        return OptionalDouble.of(n.doubleValue());
    }

    private static boolean bool(String name, Object v) {
        if (!(v instanceof Boolean b)) {
            throw new ConfigException("pruner." + name, "must be true or false, found " + v);
        }
        return b;
    }

    private static int count(String name, Object v) {
        if (!Type.INTEGER.accepts(v) || ((Number) v).longValue() < 0
                || ((Number) v).longValue() > Integer.MAX_VALUE) {
            throw new ConfigException("pruner." + name, "must be a whole number >= 0, found " + v);
        }
        return ((Number) v).intValue();
    }

    private static int[] range(String name, Object v) {
        if (!Type.INTEGERS.accepts(v) || ((List<?>) v).size() != 2) {
            throw new ConfigException("pruner." + name, "must be [start, end), two whole numbers,"
                    + " found " + v);
        }
        int[] r = ((List<?>) v).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
        if (r[0] < 0 || r[1] <= r[0]) {
            throw new ConfigException("pruner." + name, "must be [start, end) with 0 <= start <"
                    + " end, found " + Arrays.toString(r));
        }
        return r;
    }

    private static <E extends Enum<E>> E choice(String name, Object v, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(v)) {
                return e;
            }
        }
        throw new ConfigException("pruner." + name, "must be one of " + Arrays.stream(
                type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")) + ", found " + v);
    }
}
