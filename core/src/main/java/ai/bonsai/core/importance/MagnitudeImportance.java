package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.ops.Conv2dOp;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Magnitude importance with Torch-Pruning's exact definitions: each scored member contributes
 * {@code sum |w|^p} over the non-channel dimensions of its weight, scores are combined per root
 * channel ({@link GroupReduction}) and normalized ({@link Normalizer}).
 *
 * <p>Scored members (Torch-Pruning's defaults): conv2d and linear output and input handles, and
 * affine batch norms (|gamma|^p). Depthwise convs are not scored (their handle is a different
 * pruning function in Torch-Pruning). Defaults: p = 2, mean reduction, mean normalizer.
 *
 * <pre>{@code
 * ImportanceCriterion l1 = MagnitudeImportance.builder().optP(1).build();
 * }</pre>
 */
@Extension
public final class MagnitudeImportance implements ImportanceCriterion {

    private final double p;
    private final GroupReduction reduction;
    private final Normalizer normalizer;

    /** L2 magnitude, mean reduction, mean normalizer. */
    public MagnitudeImportance() {
        this(builder());
    }

    private MagnitudeImportance(Builder b) {
        this.p = b.p;
        this.reduction = b.reduction;
        this.normalizer = b.normalizer;
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
    public Optional<double[]> score(Group group) {
        int[] rootIdxs = group.root().idxs().toArray();
        List<float[]> scores = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        for (GroupMember m : group.members()) {
            float[] s = memberScore(m);
            if (s == null) {
                continue;
            }
            int[] pos = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                pos[i] = Arrays.binarySearch(rootIdxs, m.rootIdx(i));
            }
            scores.add(s);
            positions.add(pos);
        }
        if (scores.isEmpty()) {
            return Optional.empty();
        }
        float[] reduced = reduction.reduce(scores, positions, rootIdxs.length);
        normalizer.apply(reduced);
        double[] out = new double[reduced.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = reduced[i];
        }
        return Optional.of(out);
    }

    private float[] memberScore(GroupMember m) {
        Node node = m.node();
        String op = node.op().name();
        boolean out = m.handle() == PruningHandle.PRUNE_OUT;
        if ("conv2d".equals(op) || "linear".equals(op)) {
            if ("conv2d".equals(op) && Conv2dOp.isDepthwise(node)) {
                return null;
            }
            return select(channelNorms(node.parameter("weight").array(), out ? 0 : 1), m.idxs());
        }
        if ("batch_norm".equals(op) && out && node.hasParameter("weight")) {
            return select(channelNorms(node.parameter("weight").array(), 0), m.idxs());
        }
        return null;
    }

    /**
     * Computes {@code sum |w|^p} per index of one dimension, with the same float32 operations
     * Torch-Pruning uses (move the dimension first, flatten, reduce).
     */
    private float[] channelNorms(NDArray w, int dim) {
        try (NDManager scope = w.getManager().newSubManager()) {
            NDArray x = w;
            if (dim == 1) {
                int[] axes = new int[w.getShape().dimension()];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i;
                }
                axes[0] = 1;
                axes[1] = 0;
                x = w.transpose(axes);
                x.attach(scope);
            }
            long rows = x.getShape().get(0);
            NDArray a = x.abs();
            a.attach(scope);
            NDArray powed = p == 1 ? a : a.pow(p);
            powed.attach(scope);
            NDArray flat = powed.reshape(rows, -1);
            flat.attach(scope);
            NDArray sums = flat.sum(new int[] {1});
            sums.attach(scope);
            return sums.toFloatArray();
        }
    }

    private static float[] select(float[] all, IndexSet idxs) {
        float[] s = new float[idxs.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = all[idxs.get(i)];
        }
        return s;
    }

    /** Configures a {@link MagnitudeImportance}. */
    public static final class Builder {
        private double p = 2;
        private GroupReduction reduction = GroupReduction.MEAN;
        private Normalizer normalizer = Normalizer.MEAN;

        private Builder() {
        }

        /**
         * Sets the norm exponent.
         *
         * @param p positive
         * @return this builder
         */
        public Builder optP(double p) {
            this.p = p;
            return this;
        }

        /**
         * Sets the group reduction.
         *
         * @param reduction the reduction
         * @return this builder
         */
        public Builder optGroupReduction(GroupReduction reduction) {
            this.reduction = reduction;
            return this;
        }

        /**
         * Sets the normalizer.
         *
         * @param normalizer the normalizer
         * @return this builder
         */
        public Builder optNormalizer(Normalizer normalizer) {
            this.normalizer = normalizer;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the criterion
         * @throws ConfigException if p is not positive
         */
        public MagnitudeImportance build() {
            if (!(p > 0)) {
                throw new ConfigException("importance.p", "must be positive, found " + p);
            }
            return new MagnitudeImportance(this);
        }
    }
}
