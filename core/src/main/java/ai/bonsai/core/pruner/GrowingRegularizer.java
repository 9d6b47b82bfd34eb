package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.plugin.ParameterDeclaration.Type;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.importance.NamedParameters;
import ai.bonsai.core.importance.ScoredMember;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Growing regularization ({@code growing_reg}, Wang et al., Torch-Pruning's {@code
 * GrowingRegPruner}): every root channel c of a group has its own coefficient {@code lambda_c},
 * starting at {@code reg}; each {@link #update} raises it by
 *
 * <pre>{@code
 * lambda_c += delta · (max(I) - I_c) / (max(I) - min(I) + 1e-8)
 * }</pre>
 *
 * where I is the config criterion's score of the group, so unimportant channels are pushed
 * harder and harder; {@link #regularize} adds {@code grad(w) += lambda_c · w} over the rows of
 * convolution and linear output members (not ignored) and the columns of their input members.
 *
 * <p>Torch-Pruning quirk, reproduced: its batch-norm term adds into a copy of the gradient
 * ({@code grad[idxs].add_(…)}) and so changes nothing; batch norms are therefore not regularized
 * unless {@code regularize_batch_norms} is set. Coefficients are kept per group root; a group
 * whose size changed (after pruning) starts again from {@code reg}, as Torch-Pruning's {@code
 * update_regularizer}. Parameters: {@code reg} (1e-5), {@code delta} (1e-5), {@code
 * regularize_batch_norms} (false).
 */
@Extension
public final class GrowingRegularizer extends GroupRegularizer {

    private final double reg;
    private final double delta;
    private final boolean batchNorms;
    private final Map<String, float[]> lambdas = new HashMap<>();

    /** reg = 1e-5, delta = 1e-5, batch norms not regularized. */
    public GrowingRegularizer() {
        this(1e-5, 1e-5, false);
    }

    /**
     * Creates a regularizer.
     *
     * @param reg the initial coefficient
     * @param delta the largest increase per update
     * @param batchNorms also regularize batch-norm scales (Torch-Pruning's intent)
     */
    public GrowingRegularizer(double reg, double delta, boolean batchNorms) {
        this.reg = reg;
        this.delta = delta;
        this.batchNorms = batchNorms;
    }

    @Override
    public String name() {
        return "growing_reg";
    }

    @Override
    public Regularizer withParameters(Map<String, ?> parameters) {
        double[] v = {reg, delta};
        boolean[] b = {batchNorms};
        read(parameters, Map.of("reg", x -> v[0] = positive("reg", x),
                "delta", x -> v[1] = positive("delta", x),
                "regularizebatchnorms", x -> b[0] = NamedParameters.booleanValue(
                        "regularizer.regularize_batch_norms", x)));
        return new GrowingRegularizer(v[0], v[1], b[0]);
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return List.of(new ParameterDeclaration("reg", Type.NUMBER, String.valueOf(reg),
                        "initial coefficient, positive"),
                new ParameterDeclaration("delta", Type.NUMBER, String.valueOf(delta),
                        "growth of the coefficients of unimportant channels per update, positive"),
                new ParameterDeclaration("regularize_batch_norms", Type.BOOLEAN,
                        String.valueOf(batchNorms), "also regularize batch-norm scales"));
    }

    /**
     * Returns the current coefficients of a group.
     *
     * @param g the group
     * @return one coefficient per root channel (a copy)
     */
    public float[] coefficients(Group g) {
        return lambda(g).clone();
    }

    private float[] lambda(Group g) {
        int n = g.root().idxs().size();
        float[] l = lambdas.get(g.root().node().name());
        if (l == null || l.length != n) {
            l = new float[n];
            Arrays.fill(l, (float) reg);
            lambdas.put(g.root().node().name(), l);
        }
        return l;
    }

    @Override
    public void update(Graph graph, PruningConfig config) {
        for (Group g : groups(graph, config)) {
            importance(config, g).ifPresent(imp -> {
                float max = Float.NEGATIVE_INFINITY;
                float min = Float.POSITIVE_INFINITY;
                for (float v : imp) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
                float[] l = lambda(g);
                for (int i = 0; i < l.length; i++) {
                    l[i] += (float) delta * ((max - imp[i]) / (max - min + 1e-8f));
                }
            });
        }
    }

    @Override
    void addTerms(Graph graph, List<Group> groups, PruningConfig config, GradientUpdate update) {
        for (Group g : groups) {
            if (importance(config, g).isEmpty()) {
                continue;
            }
            float[] l = lambda(g);
            for (ScoredMember m : members(g)) {
                boolean ignored = config.isIgnored(m.member().node().name());
                boolean take = m.role() == Kind.IN
                        || (m.role() == Kind.OUT && !ignored)
                        || (m.role() == Kind.BATCH_NORM && batchNorms && !ignored);
                if (take) {
                    update.addScaledWeight(m, perIndex(g, m, l));
                }
            }
        }
    }
}
