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
 * First-order Taylor importance ({@code taylor}): a channel's score is {@code sum |w·g|} over its
 * weight slice, where {@code g} is the gradient of the loss, summed over the calibration batches
 * fed to {@link #accumulate} (gradients come from Bonsai's executor in eval mode; the default
 * loss is the sum of the graph's outputs). With {@code multivariable} it is {@code |sum w·g|}.
 *
 * <p>Scored members, as Torch-Pruning 1.6: convolution and linear output and input handles, and
 * affine layer norms ({@code |gamma·g_gamma|}). <b>Batch norms contribute nothing</b>: Torch-Pruning's
 * Taylor criterion tests a batch norm's handle against the group-norm pruning function, which
 * never matches; {@code scoreAllMembers} scores them (and every other member with a weight).
 *
 * <pre>{@code
 * TaylorImportance taylor = TaylorImportance.builder().build();
 * taylor.accumulate(graph, new NDList(input));
 * }</pre>
 */
@Extension
public final class TaylorImportance extends GradientImportance {

    private final boolean multivariable;

    /** Sum of |w·g|, mean reduction, mean normalizer, loss = sum of the outputs. */
    public TaylorImportance() {
        this(builder());
    }

    private TaylorImportance(Builder b) {
        super(b.options(), EnumSet.of(Kind.OUT, Kind.IN, Kind.LAYER_NORM),
                GradientStore.summed(b.loss()));
        this.multivariable = b.multivariable;
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
        return "taylor";
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
        float[] w = parameter.array().toFloatArray();
        float[] g = gradients().of(name(), parameter);
        for (int i = 0; i < w.length; i++) {
            float wg = w[i] * g[i];
            w[i] = multivariable ? wg : Math.abs(wg);
        }
        return w;
    }

    @Override
    float finish(float sum) {
        return multivariable ? Math.abs(sum) : sum;
    }

    /** Configures a {@link TaylorImportance}; parameter {@code multivariable} and the shared ones. */
    public static final class Builder extends GradientBuilder<Builder> {
        private boolean multivariable;

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Scores {@code |sum w·g|} per channel instead of {@code sum |w·g|}.
         *
         * @param multivariable whether to sum before taking the absolute value
         * @return this builder
         */
        public Builder optMultivariable(boolean multivariable) {
            this.multivariable = multivariable;
            return this;
        }

        @Override
        protected boolean applyParameter(String key, String name, Object value) {
            if (!key.equals("multivariable")) {
                return false;
            }
            optMultivariable(booleanValue(name, value));
            return true;
        }

        @Override
        protected List<ParameterDeclaration> ownParameters() {
            return List.of(new ParameterDeclaration("multivariable",
                    ParameterDeclaration.Type.BOOLEAN, String.valueOf(multivariable),
                    "score |sum w*g| per channel instead of sum |w*g|"));
        }

        /**
         * Builds.
         *
         * @return the criterion
         */
        public TaylorImportance build() {
            return new TaylorImportance(this);
        }
    }
}
