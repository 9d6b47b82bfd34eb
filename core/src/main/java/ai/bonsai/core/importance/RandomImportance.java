package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.Group;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.pf4j.Extension;

/**
 * Random importance ({@code random}), a baseline: each group's scores are a random permutation
 * of {@code 0 … n-1}, as Torch-Pruning's. The permutation depends only on the seed, the root
 * node's name and the group's size, so a seeded run is repeatable bit for bit, whatever else
 * was scored before.
 *
 * <pre>{@code
 * ImportanceCriterion random = new RandomImportance(42);
 * }</pre>
 */
@Extension
public final class RandomImportance implements ImportanceCriterion {

    private final long seed;

    /** Seed 0. */
    public RandomImportance() {
        this(0);
    }

    /**
     * Creates a seeded criterion.
     *
     * @param seed the seed
     */
    public RandomImportance(long seed) {
        this.seed = seed;
    }

    @Override
    public String name() {
        return "random";
    }

    /**
     * Accepts one parameter, {@code seed} (an integer).
     *
     * @param parameters the parameters
     * @return a criterion with that seed
     */
    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        long s = seed;
        for (Map.Entry<String, ?> e : parameters.entrySet()) {
            if (!e.getKey().equals("seed")) {
                throw new ConfigException(CriterionBuilder.field(e.getKey()),
                        "unknown parameter; known: [seed]");
            }
            s = NamedParameters.longValue(CriterionBuilder.field(e.getKey()), e.getValue());
        }
        return new RandomImportance(s);
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return List.of(new ParameterDeclaration("seed", ParameterDeclaration.Type.INTEGER,
                String.valueOf(seed), "seed of the random scores"));
    }

    @Override
    public Optional<double[]> score(Group group) {
        int n = group.root().idxs().size();
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        long mixed = seed * 0x9E3779B97F4A7C15L + group.root().node().name().hashCode() * 31L + n;
        Collections.shuffle(order, new Random(mixed));
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = order.get(i);
        }
        return Optional.of(s);
    }
}
