package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.op.ChannelScoring.Kind;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A group criterion whose member score is a per-channel sum of an element-wise score of the
 * member's weight: {@code |w|^p} (magnitude), {@code |w·g|} (Taylor), {@code w²·h} (Hessian).
 * Each weight is read once per {@link #scoreAll} call, however many groups it belongs to, and
 * weights are summed in parallel.
 */
abstract class ElementwiseImportance extends GroupImportance {

    private final Map<Parameter, ChannelSums> sums = new ConcurrentHashMap<>();

    ElementwiseImportance(ImportanceOptions options, Set<Kind> defaultRoles) {
        super(options, defaultRoles);
    }

    /**
     * Returns the element-wise score of a parameter, row-major, in float32.
     *
     * @param parameter a member's weight or bias
     * @return one score per element
     */
    abstract float[] elements(Parameter parameter);

    /**
     * Returns the per-channel sums of a weight's element scores. The default sums {@link
     * #elements}; a criterion that can score straight from the tensor's data overrides it.
     *
     * @param weight a member's weight
     * @return the sums
     */
    ChannelSums sums(Parameter weight) {
        return ChannelSums.of(elements(weight), weight.shape().getShape());
    }

    /**
     * Post-processes a channel's summed score; Taylor's {@code multivariable} variant takes the
     * absolute value here. The default returns the sum.
     *
     * @param sum the channel's sum
     * @return the channel's score
     */
    float finish(float sum) {
        return sum;
    }

    @Override
    void prepare(List<ScoredMember> members) {
        sums.clear();
        Map<Parameter, Boolean> weights = new IdentityHashMap<>();
        members.forEach(m -> weights.put(m.weight(), Boolean.TRUE));
        weights.keySet().parallelStream().forEach(w ->
                sums.put(w, sums(w)));
    }

    @Override
    List<float[]> scoreMember(ScoredMember m) {
        List<float[]> terms = new ArrayList<>(2);
        terms.add(finished(m.select(sums.get(m.weight()).along(m.channelDim()))));
        if (options().bias() && m.bias().isPresent()) {
            terms.add(finished(m.select(elements(m.bias().get()))));
        }
        return terms;
    }

    private float[] finished(float[] s) {
        for (int i = 0; i < s.length; i++) {
            s[i] = finish(s[i]);
        }
        return s;
    }
}
