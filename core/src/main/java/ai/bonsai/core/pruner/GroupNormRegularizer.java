package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.plugin.ParameterDeclaration.Type;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.importance.NamedParameters;
import ai.bonsai.core.importance.ScoredMember;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * DepGraph's group-level sparsity regularizer ({@code group_norm}, Torch-Pruning's {@code
 * GroupNormPruner.regularize}). For each group, with {@code s_c = sqrt(I_c)} the square root of
 * the config criterion's score of root channel c,
 *
 * <pre>{@code
 * gamma_c = alpha ^ ((max(s) - s_c) / (max(s) - min(s)))
 * grad(w) += reg · gamma_c · w
 * }</pre>
 *
 * for every weight slice w of channel c: the rows of convolution and linear output members, the
 * columns of their input members, and the scale of affine batch norms (and their biases, rows'
 * and norms' only, with {@code bias}). Less important channels are pushed up to {@code alpha}
 * times harder. Groups whose scores contain NaN are skipped; a group whose scores are all equal
 * gets {@code gamma = 1} (Torch-Pruning would produce NaN gradients).
 *
 * <p>Parameters: {@code reg} (default 1e-4), {@code alpha} (default 16: Torch-Pruning's
 * {@code regularize} uses {@code alpha=2**4} and ignores its constructor's {@code alpha}),
 * {@code bias} (default false).
 */
@Extension
public final class GroupNormRegularizer extends GroupRegularizer {

    private final double reg;
    private final double alpha;
    private final boolean bias;

    /** reg = 1e-4, alpha = 16, no bias terms. */
    public GroupNormRegularizer() {
        this(1e-4, 16, false);
    }

    /**
     * Creates a regularizer.
     *
     * @param reg the coefficient
     * @param alpha the largest scaling of a channel's term
     * @param bias also regularize biases of output members and batch norms
     */
    public GroupNormRegularizer(double reg, double alpha, boolean bias) {
        this.reg = reg;
        this.alpha = alpha;
        this.bias = bias;
    }

    @Override
    public String name() {
        return "group_norm";
    }

    @Override
    public Regularizer withParameters(Map<String, ?> parameters) {
        double[] v = {reg, alpha};
        boolean[] b = {bias};
        read(parameters, Map.of("reg", x -> v[0] = positive("reg", x),
                "alpha", x -> v[1] = positive("alpha", x),
                "bias", x -> b[0] = NamedParameters.booleanValue("regularizer.bias", x)));
        return new GroupNormRegularizer(v[0], v[1], b[0]);
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return List.of(new ParameterDeclaration("reg", Type.NUMBER, String.valueOf(reg),
                        "coefficient of the group-norm term, positive"),
                new ParameterDeclaration("alpha", Type.NUMBER, String.valueOf(alpha),
                        "largest scaling of a less important channel's term, positive"),
                new ParameterDeclaration("bias", Type.BOOLEAN, String.valueOf(bias),
                        "also regularize biases"));
    }

    @Override
    void addTerms(Graph graph, List<Group> groups, PruningConfig config, GradientUpdate update) {
        for (Group g : groups) {
            importance(config, g).ifPresent(imp -> addTerms(g, coefficients(imp), update));
        }
    }

    private float[] coefficients(float[] imp) {
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        float[] s = new float[imp.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sqrt(imp[i]);
            max = Math.max(max, s[i]);
            min = Math.min(min, s[i]);
        }
        float[] c = new float[s.length];
        for (int i = 0; i < c.length; i++) {
            float exponent = max == min ? 0 : (max - s[i]) / (max - min);
            c[i] = (float) (reg * Math.pow(alpha, exponent));
        }
        return c;
    }

    private void addTerms(Group g, float[] coeff, GradientUpdate update) {
        for (ScoredMember m : members(g)) {
            switch (m.role()) {
                case OUT:
                case BATCH_NORM:
                    float[] c = perIndex(g, m, coeff);
                    update.addScaledWeight(m, c);
                    if (bias) {
                        update.addScaledBias(m, c);
                    }
                    break;
                case IN:
                    update.addScaledWeight(m, perIndex(g, m, coeff));
                    break;
                default:
                    break;
            }
        }
    }
}
