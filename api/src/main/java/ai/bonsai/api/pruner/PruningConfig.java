package ai.bonsai.api.pruner;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.NamePattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings of a pruning run, built with {@link #builder()}.
 *
 * <p>Defaults follow Torch-Pruning: ratio 0.5, one step with a linear schedule, local ranking,
 * {@code roundTo} 1, {@code maxPruningRatio} 1.0, roots are {@code conv2d} and {@code linear}.
 *
 * @param importance the criterion that scores groups
 * @param ratio the fraction of channels to remove from each group by the last step
 * @param ratioOverrides per-node ratios by name pattern, first match wins
 * @param ignoredLayers patterns of nodes whose output channels are never pruned
 * @param steps the number of iterative steps
 * @param roundTo channels left are rounded down to a multiple of this
 * @param maxPruningRatio no node loses more than this fraction of its initial channels
 * @param rootOpTypes the op types whose output channels start groups
 */
public record PruningConfig(
        ImportanceCriterion importance,
        double ratio,
        Map<NamePattern, Double> ratioOverrides,
        List<NamePattern> ignoredLayers,
        int steps,
        int roundTo,
        double maxPruningRatio,
        Set<String> rootOpTypes) {

    /** The op types whose output channels start groups unless configured otherwise. */
    public static final Set<String> DEFAULT_ROOT_OP_TYPES = Set.of("conv2d", "linear");

    /**
     * Copies the collections.
     */
    public PruningConfig {
        ratioOverrides = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ratioOverrides));
        ignoredLayers = List.copyOf(ignoredLayers);
        rootOpTypes = Set.copyOf(rootOpTypes);
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the target ratio of a node at the end of the schedule.
     *
     * @param nodeName the node name
     * @return the ratio
     */
    public double ratioFor(String nodeName) {
        for (Map.Entry<NamePattern, Double> e : ratioOverrides.entrySet()) {
            if (e.getKey().matches(nodeName)) {
                return e.getValue();
            }
        }
        return ratio;
    }

    /**
     * Tells whether a node is ignored.
     *
     * @param nodeName the node name
     * @return true if some ignored pattern matches it
     */
    public boolean isIgnored(String nodeName) {
        for (NamePattern p : ignoredLayers) {
            if (p.matches(nodeName)) {
                return true;
            }
        }
        return false;
    }

    /** Builds a {@link PruningConfig}; {@link #build()} reports every invalid field at once. */
    public static final class Builder {

        private ImportanceCriterion importance;
        private double ratio = 0.5;
        private final Map<NamePattern, Double> ratioOverrides = new LinkedHashMap<>();
        private final List<NamePattern> ignoredLayers = new ArrayList<>();
        private int steps = 1;
        private int roundTo = 1;
        private double maxPruningRatio = 1.0;
        private Set<String> rootOpTypes = DEFAULT_ROOT_OP_TYPES;

        private Builder() {
        }

        /**
         * Sets the importance criterion (required).
         *
         * @param importance the criterion
         * @return this builder
         */
        public Builder setImportance(ImportanceCriterion importance) {
            this.importance = importance;
            return this;
        }

        /**
         * Sets the default pruning ratio.
         *
         * @param ratio in [0, 1)
         * @return this builder
         */
        public Builder optRatio(double ratio) {
            this.ratio = ratio;
            return this;
        }

        /**
         * Sets the ratio of the nodes matching a pattern.
         *
         * @param pattern a glob over node names
         * @param ratio in [0, 1)
         * @return this builder
         */
        public Builder optRatio(String pattern, double ratio) {
            ratioOverrides.put(new NamePattern(pattern), ratio);
            return this;
        }

        /**
         * Adds ignored layers (globs over node names).
         *
         * @param patterns the patterns
         * @return this builder
         */
        public Builder optIgnoredLayers(List<String> patterns) {
            patterns.forEach(p -> ignoredLayers.add(new NamePattern(p)));
            return this;
        }

        /**
         * Sets the number of iterative steps.
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder optSteps(int steps) {
            this.steps = steps;
            return this;
        }

        /**
         * Rounds the channels left to a multiple.
         *
         * @param roundTo at least 1
         * @return this builder
         */
        public Builder optRoundTo(int roundTo) {
            this.roundTo = roundTo;
            return this;
        }

        /**
         * Caps the fraction of its initial channels any node may lose.
         *
         * @param maxPruningRatio in (0, 1]
         * @return this builder
         */
        public Builder optMaxPruningRatio(double maxPruningRatio) {
            this.maxPruningRatio = maxPruningRatio;
            return this;
        }

        /**
         * Sets the op types whose output channels start groups.
         *
         * @param opTypes op type names
         * @return this builder
         */
        public Builder optRootOpTypes(Set<String> opTypes) {
            this.rootOpTypes = opTypes;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the config
         * @throws ConfigException listing every invalid field
         */
        public PruningConfig build() {
            List<String> problems = new ArrayList<>();
            if (importance == null) {
                problems.add("pruner.importance: required");
            }
            checkRatio(problems, "pruner.ratio", ratio);
            ratioOverrides.forEach((p, r) -> checkRatio(problems, "pruner.ratios[" + p.glob() + "]", r));
            if (steps < 1) {
                problems.add("pruner.steps: must be at least 1, found " + steps);
            }
            if (roundTo < 1) {
                problems.add("pruner.roundTo: must be at least 1, found " + roundTo);
            }
            if (!(maxPruningRatio > 0 && maxPruningRatio <= 1)) {
                problems.add("pruner.maxPruningRatio: must be in (0, 1], found " + maxPruningRatio);
            }
            if (rootOpTypes.isEmpty()) {
                problems.add("pruner.rootOpTypes: must not be empty");
            }
            if (!problems.isEmpty()) {
                String first = problems.get(0);
                int colon = first.indexOf(": ");
                String rest = String.join("; ", problems.subList(1, problems.size()));
                throw new ConfigException(first.substring(0, colon),
                        first.substring(colon + 2) + (rest.isEmpty() ? "" : "; " + rest));
            }
            return new PruningConfig(importance, ratio, ratioOverrides, ignoredLayers, steps,
                    roundTo, maxPruningRatio, rootOpTypes);
        }

        private static void checkRatio(List<String> problems, String field, double r) {
            if (!(r >= 0 && r < 1)) {
                problems.add(field + ": must be in [0, 1), found " + r);
            }
        }
    }
}
