package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.ops.Conv2dOp;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pf4j.Extension;

/**
 * Magnitude importance with Torch-Pruning's exact definitions: each scored member contributes
 * {@code sum |w|^p} over the non-channel dimensions of its weight, scores are combined per root
 * channel ({@link GroupReduction}) and normalized ({@link Normalizer}).
 *
 * <p>Scored members (Torch-Pruning's defaults): conv2d and linear output and input handles, and
 * affine batch and layer norms through their output (|gamma|^p). Depthwise convs are not scored
 * (their handle is a different pruning function in Torch-Pruning). Defaults: p = 2, mean
 * reduction, mean normalizer.
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
        return scoreAll(List.of(group)).get(0);
    }

    @Override
    public List<Optional<double[]>> scoreAll(List<Group> groups) {
        Map<NDArray, ChannelNorms> norms = new IdentityHashMap<>();
        for (Group g : groups) {
            for (GroupMember m : g.members()) {
                NDArray w = scoredWeight(m);
                if (w != null) {
                    norms.putIfAbsent(w, null);
                }
            }
        }
        norms.keySet().parallelStream()
                .map(w -> ChannelNorms.of(w, p))
                .collect(Collectors.toList())
                .forEach(n -> norms.put(n.weight(), n));
        List<Optional<double[]>> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            out.add(score(g, norms));
        }
        return out;
    }

    private Optional<double[]> score(Group group, Map<NDArray, ChannelNorms> norms) {
        int[] rootIdxs = group.root().idxs().toArray();
        List<float[]> scores = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        for (GroupMember m : group.members()) {
            NDArray w = scoredWeight(m);
            if (w == null) {
                continue;
            }
            float[] all = norms.get(w).along(m.handle() == PruningHandle.PRUNE_OUT ? 0 : 1);
            float[] s = new float[m.idxs().size()];
            int[] pos = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = all[m.idxs().get(i)];
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
        double[] result = new double[reduced.length];
        for (int i = 0; i < result.length; i++) {
            result[i] = reduced[i];
        }
        return Optional.of(result);
    }

    /**
     * Returns the weight a member is scored on, or null if the member is not scored: conv2d and
     * linear (not depthwise) through either handle, affine batch or layer norm through its output.
     */
    private static NDArray scoredWeight(GroupMember m) {
        Node node = m.node();
        String op = node.op().name();
        if ("conv2d".equals(op) || "linear".equals(op)) {
            if ("conv2d".equals(op) && Conv2dOp.isDepthwise(node)) {
                return null;
            }
            return node.parameter("weight").array();
        }
        if (("batch_norm".equals(op) || "layer_norm".equals(op))
                && m.handle() == PruningHandle.PRUNE_OUT && node.hasParameter("weight")) {
            return node.parameter("weight").array();
        }
        return null;
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
