package ai.bonsai.core.importance;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Wanda-style activation importance ({@code wanda}): each weight element scores {@code |w_ij| ·
 * ||X_j||}, where {@code ||X_j||} is the L2 norm of the layer's input channel j over every
 * calibration sample and position ({@link #accumulate}); a channel's score is the sum over its
 * weight slice (the rows of output members, the columns of input members), then reduced and
 * normalized as usual. Only convolution and linear members are scored.
 *
 * <pre>{@code
 * WandaImportance wanda = WandaImportance.builder().build();
 * wanda.accumulate(graph, new NDList(calibrationBatch));
 * }</pre>
 */
@Extension
public final class WandaImportance extends ActivationImportance {

    /** Mean reduction, mean normalizer. */
    public WandaImportance() {
        this(builder());
    }

    private WandaImportance(Builder b) {
        super(b.options(), EnumSet.of(Kind.OUT, Kind.IN));
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
        return "wanda";
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
     * Answers to {@code activation} too (|W|·‖X‖).
     *
     * @return the alias
     */
    @Override
    public Map<String, Map<String, Object>> aliases() {
        return Map.of("activation", Map.of());
    }

    @Override
    float element(float w, ActivationStore.Stats stats, int channel) {
        return (float) (Math.abs(w) * Math.sqrt(stats.squares()[channel]));
    }

    /** Configures a {@link WandaImportance} (shared options). */
    public static final class Builder extends CriterionBuilder<Builder> {

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds.
         *
         * @return the criterion
         */
        public WandaImportance build() {
            return new WandaImportance(this);
        }
    }
}
