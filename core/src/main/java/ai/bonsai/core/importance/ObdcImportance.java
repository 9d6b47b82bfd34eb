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
 * OBD-style importance with a Fisher diagonal from many samples ({@code obdc}): a channel's score
 * is {@code sum w²·(F + 1e-10)} over the output rows of convolution and linear layers, where
 * {@code F} is the mean squared per-sample gradient ({@link #accumulate} runs each sample of a
 * batch on its own).
 *
 * <p>Torch-Pruning's {@code OBDCImportance} scores the same members with the same formula, but
 * estimates {@code F} in EigenDamage's Kronecker-factored eigenbasis from layer inputs and output
 * gradients; Bonsai uses the exact per-sample diagonal instead, so the two agree in structure but
 * not to the last digit. Only output handles are scored, as there; {@code scoreAllMembers} adds
 * every member with a weight. To skip the classifier as Torch-Pruning does (by its
 * {@code num_classes}), list it in the pruner's ignored layers.
 *
 * <pre>{@code
 * ObdcImportance obdc = ObdcImportance.builder().build();
 * obdc.accumulate(graph, new NDList(batch));
 * }</pre>
 */
@Extension
public final class ObdcImportance extends GradientImportance {

    private static final float EPS = 1e-10f;


    /** Mean reduction, mean normalizer, loss = sum of the outputs. */
    public ObdcImportance() {
        this(builder());
    }

    private ObdcImportance(Builder b) {
        super(b.options(), EnumSet.of(Kind.OUT),
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
        return "obdc";
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
        return secondOrder(parameter, EPS);
    }

    /** Configures an {@link ObdcImportance} (shared options and the loss). */
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
        public ObdcImportance build() {
            return new ObdcImportance(this);
        }
    }
}
