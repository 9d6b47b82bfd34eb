package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Magnitude importance ({@code magnitude}) with Torch-Pruning's exact definitions: each scored
 * member contributes {@code sum |w|^p} over the non-channel dimensions of its weight, scores are
 * combined per root channel ({@link GroupReduction}) and normalized ({@link Normalizer}).
 *
 * <p>Scored members (Torch-Pruning's defaults): convolution and linear output and input handles,
 * and affine batch and layer norms through their output ({@code |gamma|^p}). Depthwise
 * convolutions are not scored (Torch-Pruning reaches them through a different pruning function
 * that its criteria do not list); {@code scoreAllMembers} scores them, and group and instance
 * norms, too. Defaults: p = 2, mean reduction, mean normalizer, no bias terms.
 *
 * <pre>{@code
 * ImportanceCriterion l1 = MagnitudeImportance.builder().optP(1).build();
 * }</pre>
 */
@Extension
public final class MagnitudeImportance extends PowerImportance {

    /** L2 magnitude, mean reduction, mean normalizer. */
    public MagnitudeImportance() {
        this(builder());
    }

    private MagnitudeImportance(Builder b) {
        super(b.options(), MAGNITUDE_ROLES, b.p());
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "magnitude";
    }

    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        return builder().optParameters(parameters).build();
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return builder().declarations();
    }

    /**
     * Answers to {@code l1} and {@code l2}, the magnitude with p = 1 and 2 (Torch-Pruning's
     * {@code MagnitudeImportance(p)}).
     *
     * @return the aliases
     */
    @Override
    public Map<String, Map<String, Object>> aliases() {
        return Map.of("l1", Map.of("p", 1), "l2", Map.of("p", 2));
    }

    /** Configures a {@link MagnitudeImportance}; parameter {@code p} besides the shared ones. */
    public static final class Builder extends NormBuilder<Builder> {

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the criterion
         * @throws ConfigException if p is not positive
         */
        public MagnitudeImportance build() {
            return new MagnitudeImportance(this);
        }
    }
}
