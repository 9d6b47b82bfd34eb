package ai.bonsai.core.importance;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Batch-norm scale importance ({@code bnscale}, Network Slimming): {@code |gamma|} of every affine
 * batch norm in the group, combined and normalized like {@link MagnitudeImportance} with p = 1.
 *
 * <p>As in Torch-Pruning, only batch norms are scored: a group without an affine batch norm gets
 * no score and is <b>not pruned at all</b> (an MLP with layer norms keeps every channel). With
 * {@code scoreAllMembers} every member with a weight is scored by {@code sum |w|}.
 *
 * <pre>{@code
 * ImportanceCriterion bn = BnScaleImportance.builder().build();
 * }</pre>
 */
@Extension
public final class BnScaleImportance extends PowerImportance {

    /** Mean reduction, mean normalizer. */
    public BnScaleImportance() {
        this(builder());
    }

    private BnScaleImportance(Builder b) {
        super(b.options(), EnumSet.of(Kind.BATCH_NORM), 1);
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
        return "bnscale";
    }

    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        return builder().optParameters(parameters).build();
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return builder().declarations();
    }

    /** Configures a {@link BnScaleImportance} (shared options only). */
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
        public BnScaleImportance build() {
            return new BnScaleImportance(this);
        }
    }
}
