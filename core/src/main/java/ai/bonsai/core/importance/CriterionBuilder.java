package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.plugin.ParameterDeclaration.Type;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The builder options every group criterion shares: group reduction, normalizer, bias terms and
 * {@code scoreAllMembers}; also reads them, and each criterion's own options, from named
 * parameters (a config file's {@code importance} section).
 *
 * <pre>{@code
 * ImportanceCriterion c = MagnitudeImportance.builder()
 *         .optParameters(Map.of("p", 1, "group_reduction", "max", "normalizer", "none"))
 *         .build();
 * }</pre>
 *
 * @param <B> the concrete builder
 */
public abstract class CriterionBuilder<B extends CriterionBuilder<B>> {

    private GroupReduction reduction = GroupReduction.MEAN;
    private Normalizer normalizer = Normalizer.MEAN;
    private boolean bias;
    private boolean scoreAllMembers;

    /** Creates a builder with Torch-Pruning's defaults: mean reduction, mean normalizer. */
    protected CriterionBuilder() {
    }

    /**
     * Returns this builder as its concrete type.
     *
     * @return this
     */
    protected abstract B self();

    /**
     * Sets the group reduction (default {@code mean}).
     *
     * @param reduction the reduction
     * @return this builder
     */
    public B optGroupReduction(GroupReduction reduction) {
        this.reduction = reduction;
        return self();
    }

    /**
     * Sets the normalizer (default {@code mean}).
     *
     * @param normalizer the normalizer
     * @return this builder
     */
    public B optNormalizer(Normalizer normalizer) {
        this.normalizer = normalizer;
        return self();
    }

    /**
     * Adds a term per bias (and per norm shift), as Torch-Pruning's {@code bias=True}.
     *
     * @param bias whether biases are scored
     * @return this builder
     */
    public B optBias(boolean bias) {
        this.bias = bias;
        return self();
    }

    /**
     * Scores every member that has a weight, including the members Torch-Pruning skips
     * (depthwise convolutions, group and instance norms, and the criterion's own exclusions).
     *
     * @param scoreAllMembers whether to score every member
     * @return this builder
     */
    public B optScoreAllMembers(boolean scoreAllMembers) {
        this.scoreAllMembers = scoreAllMembers;
        return self();
    }

    /**
     * Applies named parameters: {@code group_reduction} ({@code mean}, {@code sum}, {@code max},
     * {@code prod}, {@code first}, {@code gate}), {@code normalizer} ({@code mean}, {@code max},
     * {@code sum}, {@code standardization}, {@code gaussian}, {@code lamp}, {@code none}),
     * {@code bias}, {@code score_all_members}, and the criterion's own (camelCase is accepted
     * too).
     *
     * @param parameters the parameters
     * @return this builder
     * @throws ConfigException naming the first unknown parameter or bad value
     */
    public B optParameters(Map<String, ?> parameters) {
        for (Map.Entry<String, ?> e : parameters.entrySet()) {
            String key = NamedParameters.canonical(e.getKey());
            Object value = e.getValue();
            switch (key) {
                case "groupreduction":
                    optGroupReduction(enumValue(e.getKey(), value, GroupReduction.class));
                    break;
                case "normalizer":
                    optNormalizer(value == null ? Normalizer.NONE : Normalizer.parse(field(e.getKey()),
                            value.toString()));
                    break;
                case "bias":
                    optBias(booleanValue(e.getKey(), value));
                    break;
                case "scoreallmembers":
                    optScoreAllMembers(booleanValue(e.getKey(), value));
                    break;
                default:
                    if (!applyParameter(key, e.getKey(), value)) {
                        throw new ConfigException(field(e.getKey()), "unknown parameter; known: "
                                + knownParameters());
                    }
            }
        }
        return self();
    }

    /**
     * Applies a parameter of the concrete criterion.
     *
     * @param key the parameter name, lower case without underscores
     * @param name the parameter name as written
     * @param value its value
     * @return false if the criterion has no such parameter
     */
    protected boolean applyParameter(String key, String name, Object value) {
        return false;
    }

    /**
     * Declares the parameters of the concrete criterion (besides the shared ones).
     *
     * @return the declarations, as written in a config file
     */
    protected List<ParameterDeclaration> ownParameters() {
        return List.of();
    }

    /**
     * Declares every parameter {@link #optParameters} accepts: the shared ones, then the
     * criterion's own, with the defaults of this builder.
     *
     * @return the declarations
     */
    public List<ParameterDeclaration> declarations() {
        List<ParameterDeclaration> all = new ArrayList<>(List.of(
                new ParameterDeclaration("group_reduction", Type.STRING, lower(reduction),
                        "how member scores combine: " + lower(GroupReduction.values())),
                new ParameterDeclaration("normalizer", Type.STRING, lower(normalizer),
                        "how group scores are normalized: " + lower(Normalizer.values())),
                new ParameterDeclaration("bias", Type.BOOLEAN, String.valueOf(bias),
                        "add a term per bias and per norm shift"),
                new ParameterDeclaration("score_all_members", Type.BOOLEAN,
                        String.valueOf(scoreAllMembers),
                        "score every member with a weight, also those Torch-Pruning skips")));
        all.addAll(ownParameters());
        return all;
    }

    private List<String> knownParameters() {
        return declarations().stream().map(ParameterDeclaration::name).collect(Collectors.toList());
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static String lower(Enum<?>[] values) {
        return Arrays.stream(values).map(CriterionBuilder::lower).collect(Collectors.joining(", "));
    }

    /**
     * Returns the shared options as set.
     *
     * @return the options
     */
    ImportanceOptions options() {
        return new ImportanceOptions(reduction, normalizer, bias, scoreAllMembers);
    }

    /**
     * Returns the config field path of a parameter.
     *
     * @param name the parameter name
     * @return {@code importance.NAME}
     */
    protected static String field(String name) {
        return "importance." + name;
    }

    /**
     * Reads a number.
     *
     * @param name the parameter name
     * @param value its value
     * @return the number
     */
    protected static double doubleValue(String name, Object value) {
        return NamedParameters.doubleValue(field(name), value);
    }

    /**
     * Reads a boolean.
     *
     * @param name the parameter name
     * @param value its value
     * @return the boolean
     */
    protected static boolean booleanValue(String name, Object value) {
        return NamedParameters.booleanValue(field(name), value);
    }

    private static <E extends Enum<E>> E enumValue(String name, Object value, Class<E> type) {
        for (E c : type.getEnumConstants()) {
            if (c.name().equalsIgnoreCase(String.valueOf(value))) {
                return c;
            }
        }
        throw new ConfigException(field(name), "unknown value '" + value + "'; known: "
                + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }

}
