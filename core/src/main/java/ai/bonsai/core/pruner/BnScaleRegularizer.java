package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.plugin.ParameterDeclaration.Type;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.importance.NamedParameters;
import ai.bonsai.core.importance.ScoredMember;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Network Slimming's sparsity regularizer ({@code bnscale}, Torch-Pruning's {@code
 * BNScalePruner.regularize}): an L1 penalty {@code reg · sum |gamma|} on the scale of every affine
 * batch norm that is not ignored, whose gradient is
 *
 * <pre>{@code
 * grad(gamma) += reg · sign(gamma)
 * }</pre>
 *
 * <p>With {@code group_lasso}, a group lasso over the batch norms of each group instead: with
 * {@code n_c = (1/M) · sum over the group's M batch norms of gamma_c²} per root channel c,
 *
 * <pre>{@code
 * grad(gamma_c) += reg / sqrt(n_c + 1e-9) · gamma_c
 * }</pre>
 *
 * <p>Parameters: {@code reg} (default 1e-5), {@code group_lasso} (default false).
 */
@Extension
public final class BnScaleRegularizer extends GroupRegularizer {

    private final double reg;
    private final boolean groupLasso;

    /** reg = 1e-5, L1 on every batch-norm scale. */
    public BnScaleRegularizer() {
        this(1e-5, false);
    }

    /**
     * Creates a regularizer.
     *
     * @param reg the coefficient
     * @param groupLasso use the group lasso over each group's batch norms
     */
    public BnScaleRegularizer(double reg, boolean groupLasso) {
        this.reg = reg;
        this.groupLasso = groupLasso;
    }

    @Override
    public String name() {
        return "bnscale";
    }

    @Override
    public Regularizer withParameters(Map<String, ?> parameters) {
        double[] r = {reg};
        boolean[] lasso = {groupLasso};
        read(parameters, Map.of("reg", v -> r[0] = positive("reg", v),
                "grouplasso", v -> lasso[0] = NamedParameters.booleanValue(
                        "regularizer.group_lasso", v)));
        return new BnScaleRegularizer(r[0], lasso[0]);
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return List.of(new ParameterDeclaration("reg", Type.NUMBER, String.valueOf(reg),
                        "coefficient of the L1 term on batch-norm scales, positive"),
                new ParameterDeclaration("group_lasso", Type.BOOLEAN, String.valueOf(groupLasso),
                        "penalize whole groups (group lasso) instead of single scales"));
    }

    @Override
    void addTerms(Graph graph, List<Group> groups, PruningConfig config, GradientUpdate update) {
        if (groupLasso) {
            groups.forEach(g -> addGroupLasso(g, config, update));
            return;
        }
        for (Node n : graph.nodes()) {
            boolean batchNorm = n.op().scoring(n, PruningHandle.PRUNE_OUT)
                    .filter(s -> s.kind() == Kind.BATCH_NORM && n.hasParameter(s.weight()))
                    .isPresent();
            if (batchNorm && !config.isIgnored(n.name())) {
                Parameter gamma = n.parameter("weight");
                float[] w = update.values(gamma);
                for (int i = 0; i < w.length; i++) {
                    update.add(gamma, i, (float) reg * Math.signum(w[i]));
                }
            }
        }
    }

    private void addGroupLasso(Group g, PruningConfig config, GradientUpdate update) {
        List<ScoredMember> norms = members(g).stream()
                .filter(m -> m.role() == Kind.BATCH_NORM).toList();
        if (norms.isEmpty()) {
            return;
        }
        int[] roots = g.root().idxs().toArray();
        float[] sq = new float[roots.length];
        for (ScoredMember m : norms) {
            float[] gamma = m.select(update.values(m.weight()));
            for (int k = 0; k < gamma.length; k++) {
                sq[Arrays.binarySearch(roots, m.member().rootIdx(k))] += gamma[k] * gamma[k];
            }
        }
        float[] coeff = new float[roots.length];
        for (int i = 0; i < coeff.length; i++) {
            coeff[i] = (float) (reg / Math.sqrt(sq[i] / norms.size() + 1e-9f));
        }
        for (ScoredMember m : norms) {
            if (!config.isIgnored(m.member().node().name())) {
                update.addScaledWeight(m, perIndex(g, m, coeff));
            }
        }
    }
}
