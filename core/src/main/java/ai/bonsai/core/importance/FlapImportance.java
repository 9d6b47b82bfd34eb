package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.NDArray;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * FLAP's fluctuation metric ({@code flap}, An et al., "Fluctuation-based Adaptive Structured
 * Pruning"): an input channel j of a convolution or linear layer scores
 *
 * <pre>{@code
 * S_j = var(X_j) · sum over its weight column of w²
 * }</pre>
 *
 * where {@code var(X_j)} is the sample variance of the channel over every calibration sample and
 * position ({@link #accumulate}): a channel that barely fluctuates carries little information,
 * since its contribution is almost a constant. Only input members are scored (use global ranking
 * with the {@code standardization} normalizer for FLAP's adaptive layer widths).
 *
 * <p><b>Bias compensation</b> ({@link #beforePrune}): before a group is pruned, each pruned input
 * channel's constant part is folded into the layer's bias, {@code b_o += sum_k W[o, j, k] ·
 * mean(X_j)}, so the output keeps its expected value. Layers without a bias, grouped and
 * transposed convolutions are not compensated; for a padded convolution the compensation is exact
 * away from the borders only.
 *
 * <pre>{@code
 * FlapImportance flap = FlapImportance.builder().optNormalizer(Normalizer.STANDARDIZATION).build();
 * flap.accumulate(graph, new NDList(calibrationBatch));
 * }</pre>
 */
@Extension
public final class FlapImportance extends ActivationImportance {

    /** Mean reduction, mean normalizer. */
    public FlapImportance() {
        this(builder());
    }

    private FlapImportance(Builder b) {
        super(b.options(), EnumSet.of(Kind.IN));
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
        return "flap";
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
    float element(float w, ActivationStore.Stats stats, int channel) {
        return (float) (w * w * stats.variances()[channel]);
    }

    /**
     * Folds the mean of every pruned input channel into the bias of the layers that read it.
     *
     * @param group the group about to be pruned
     */
    @Override
    public void beforePrune(Group group) {
        for (GroupMember gm : group.members()) {
            ScoredMember.of(gm).filter(m -> m.role() == Kind.IN).ifPresent(this::compensate);
        }
    }

    private void compensate(ScoredMember m) {
        Node node = m.member().node();
        boolean grouped = node.op().channelGroups(node, PruningHandle.PRUNE_IN) != 1;
        if (!node.hasParameter("bias") || grouped || m.channelDim() != 1) {
            return;
        }
        double[] means = stats(node).means();
        long[] shape = m.weight().shape().getShape();
        float[] w = m.weight().array().toFloatArray();
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        int inner = w.length / (rows * cols);
        float[] delta = new float[rows];
        for (int k = 0; k < m.member().idxs().size(); k++) {
            int j = m.member().idxs().get(k);
            for (int o = 0; o < rows; o++) {
                double sum = 0;
                for (int i = 0; i < inner; i++) {
                    sum += w[(o * cols + j) * inner + i];
                }
                delta[o] += (float) (sum * means[j]);
            }
        }
        Parameter bias = node.parameter("bias");
        NDArray b = bias.array();
        try (NDArray d = b.getManager().create(delta, b.getShape())) {
            b.addi(d);
        }
    }

    /** Configures a {@link FlapImportance} (shared options). */
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
        public FlapImportance build() {
            return new FlapImportance(this);
        }
    }
}
