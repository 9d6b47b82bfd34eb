package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pf4j.Extension;

/**
 * LAMP importance ({@code lamp}, layer-adaptive magnitude pruning): {@link MagnitudeImportance}'s
 * group score with the {@link Normalizer#LAMP} normalizer, meant for global ranking. As in
 * Torch-Pruning, the normalizer must be {@code lamp}; p defaults to 2.
 *
 * <pre>{@code
 * ImportanceCriterion lamp = LampImportance.builder().build();
 * }</pre>
 */
@Extension
public final class LampImportance extends PowerImportance {

    /** p = 2, mean reduction. */
    public LampImportance() {
        this(builder());
    }

    private LampImportance(Builder b) {
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
        return "lamp";
    }

    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        return builder().optParameters(parameters).build();
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return builder().declarations();
    }

    /** Configures a {@link LampImportance}; parameter {@code p} besides the shared ones. */
    public static final class Builder extends NormBuilder<Builder> {

        private Builder() {
            optNormalizer(Normalizer.LAMP);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the criterion
         * @throws ConfigException if p is not positive or the normalizer is not {@code lamp}
         */
        public LampImportance build() {
            if (options().normalizer() != Normalizer.LAMP) {
                throw new ConfigException(field("normalizer"),
                        "LAMP importance needs the lamp normalizer, found "
                                + options().normalizer().name().toLowerCase(Locale.ROOT));
            }
            return new LampImportance(this);
        }
    }
}
