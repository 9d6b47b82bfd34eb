package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Hessian importance ({@code hessian}, grouped Optimal Brain Damage): a channel's score is
 * {@code sum w²·h} over its weight slice, where the Hessian diagonal {@code h} is estimated as the
 * mean of the squared per-sample gradients: {@link #accumulate} runs every sample of a batch on
 * its own (loss: by default the sum of that sample's outputs) and adds {@code g²}.
 *
 * <p>Scored members, as Torch-Pruning 1.6: convolution and linear output and input handles,
 * affine batch and layer norms; {@code scoreAllMembers} adds every member with a weight.
 *
 * <pre>{@code
 * HessianImportance hessian = HessianImportance.builder().build();
 * hessian.accumulate(graph, new NDList(batch));   // one backward pass per sample
 * }</pre>
 */
@Extension
public final class HessianImportance extends GradientImportance {

    /** Mean reduction, mean normalizer, loss = sum of the outputs. */
    public HessianImportance() {
        this(builder());
    }

    private HessianImportance(Builder b) {
        super(b.options(), EnumSet.of(Kind.OUT, Kind.IN, Kind.BATCH_NORM, Kind.LAYER_NORM),
                GradientStore.squaredPerSample(b.loss()));
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
        return "hessian";
    }

    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        return builder().optParameters(parameters).build();
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return builder().declarations();
    }

    @Override
    float[] elements(Parameter parameter) {
        return secondOrder(parameter, 0f);
    }

    /** Configures a {@link HessianImportance} (shared options and the loss). */
    public static final class Builder extends GradientBuilder<Builder> {

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
        public HessianImportance build() {
            return new HessianImportance(this);
        }
    }
}
