package ai.bonsai.core.pruner;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.importance.NamedParameters;
import ai.bonsai.core.importance.ScoredMember;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the built-in regularizers share: the groups of the graph as it is now (the config's
 * ignored layers and root op types), their members by role, their importance, and reading named
 * parameters.
 */
abstract class GroupRegularizer implements Regularizer {

    @Override
    public void regularize(Graph graph, PruningConfig config, Map<String, NDArray> gradients) {
        GradientUpdate update = new GradientUpdate();
        addTerms(graph, groups(graph, config), config, update);
        update.applyTo(gradients);
    }

    /**
     * Collects the regularization terms.
     *
     * @param graph the graph
     * @param groups its groups
     * @param config the pruning settings
     * @param update where the terms go
     */
    abstract void addTerms(Graph graph, List<Group> groups, PruningConfig config,
            GradientUpdate update);

    /**
     * Returns the graph's groups, as the pruner enumerates them.
     *
     * @param graph the graph
     * @param config the settings
     * @return the groups
     */
    static List<Group> groups(Graph graph, PruningConfig config) {
        List<Group> groups = new ArrayList<>();
        DependencyGraph.build(graph)
                .getAllGroups(n -> config.isIgnored(n.name()), config::isRoot)
                .forEach(groups::add);
        return groups;
    }

    /**
     * Returns a group's members that have a role ({@link ScoredMember}).
     *
     * @param g the group
     * @return the members
     */
    static List<ScoredMember> members(Group g) {
        List<ScoredMember> out = new ArrayList<>();
        for (GroupMember m : g.members()) {
            ScoredMember.of(m).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Scores a group with the config's criterion, as float32 values.
     *
     * @param config the settings
     * @param g the group
     * @return the scores, empty when the criterion skips the group or a score is NaN
     */
    static Optional<float[]> importance(PruningConfig config, Group g) {
        Optional<double[]> s = config.importance().score(g);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        float[] f = new float[s.get().length];
        for (int i = 0; i < f.length; i++) {
            if (Double.isNaN(s.get()[i])) {
                return Optional.empty();
            }
            f[i] = (float) s.get()[i];
        }
        return Optional.of(f);
    }

    /**
     * Picks per-index coefficients of a member from per-root-channel ones.
     *
     * @param g the member's group
     * @param m the member
     * @param perRoot one coefficient per root channel, aligned with {@code g.root().idxs()}
     * @return one coefficient per index of the member
     */
    static float[] perIndex(Group g, ScoredMember m, float[] perRoot) {
        int[] roots = g.root().idxs().toArray();
        float[] c = new float[m.member().idxs().size()];
        for (int k = 0; k < c.length; k++) {
            c[k] = perRoot[Arrays.binarySearch(roots, m.member().rootIdx(k))];
        }
        return c;
    }

    /**
     * Reads named parameters into a regularizer's settings.
     *
     * @param parameters the parameters
     * @param known the known parameter names (canonical: lower case, no underscores) and their
     *     setters
     * @throws ConfigException naming the first unknown parameter
     */
    static void read(Map<String, ?> parameters, Map<String, Consumer<Object>> known) {
        parameters.forEach((name, value) -> {
            Consumer<Object> setter = known.get(NamedParameters.canonical(name));
            if (setter == null) {
                throw new ConfigException("regularizer." + name, "unknown parameter; known: "
                        + known.keySet());
            }
            setter.accept(value);
        });
    }

    /**
     * Reads a positive number.
     *
     * @param name the parameter name
     * @param value the value
     * @return the number
     * @throws ConfigException if it is not a positive number
     */
    static double positive(String name, Object value) {
        double d = NamedParameters.doubleValue("regularizer." + name, value);
        if (!(d > 0)) {
            throw new ConfigException("regularizer." + name, "must be positive, found " + value);
        }
        return d;
    }
}
