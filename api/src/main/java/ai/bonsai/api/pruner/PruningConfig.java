package ai.bonsai.api.pruner;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.NamePattern;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of a pruning run, built with {@link #builder()}.
 *
 * <p>Defaults follow Torch-Pruning: ratio 0.5, one step with a linear schedule, local ranking,
 * {@code roundTo} 1, {@code maxPruningRatio} 1.0, roots are {@link #DEFAULT_ROOT_OP_TYPES}, no
 * channel grouping beyond what grouped convolutions and group norms imply, head dimensions (not
 * whole heads) pruned, physical (not soft) pruning, no cost budget.
 *
 * @param importance the criterion that scores groups
 * @param ratio the fraction of channels to remove from each group (each ranking scope) by the
 *     last step
 * @param ratioOverrides per-node ratios by name pattern, first match wins; each pattern is a
 *     ranking scope of its own
 * @param ignoredLayers patterns of nodes whose output channels are never pruned
 * @param steps the number of iterative steps
 * @param schedule the ratio reached at each step
 * @param roundTo channels left are rounded down to a multiple of this
 * @param maxPruningRatio no node loses more than this fraction of its initial channels
 * @param rootOpTypes the op types whose output channels start groups; empty for the op types
 *     that declare themselves default roots ({@link ai.bonsai.api.op.OpType#isDefaultRoot})
 * @param globalPruning rank the channels of all groups together (one threshold) instead of each
 *     group on its own
 * @param isomorphic rank groups only against groups of the same structure (isomorphic pruning)
 * @param outChannelGroups channel groups of nodes' outputs by name pattern (the output channels
 *     split into that many equal groups, pruned alike); grouped convolutions and group norms
 *     are detected without being listed
 * @param inChannelGroups channel groups of nodes' inputs by name pattern
 * @param numHeads attention heads of the nodes whose outputs are heads × head dimension
 * @param pruneNumHeads remove whole heads (by {@code headRatio})
 * @param pruneHeadDims remove dimensions within every head (by {@code ratio})
 * @param headRatio the fraction of heads to remove by the last step
 * @param budget a cost target that replaces {@code ratio}: the ratio is searched
 * @param soft apply groups as masks (zeros) instead of removing channels
 */
public record PruningConfig(
        ImportanceCriterion importance,
        double ratio,
        Map<NamePattern, Double> ratioOverrides,
        List<NamePattern> ignoredLayers,
        int steps,
        PruningSchedule schedule,
        int roundTo,
        double maxPruningRatio,
        Set<String> rootOpTypes,
        boolean globalPruning,
        boolean isomorphic,
        Map<NamePattern, Integer> outChannelGroups,
        Map<NamePattern, Integer> inChannelGroups,
        Map<NamePattern, Integer> numHeads,
        boolean pruneNumHeads,
        boolean pruneHeadDims,
        double headRatio,
        Optional<PruningBudget> budget,
        boolean soft) {

    /**
     * Copies the collections.
     */
    public PruningConfig {
        ratioOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(ratioOverrides));
        ignoredLayers = List.copyOf(ignoredLayers);
        rootOpTypes = Set.copyOf(rootOpTypes);
        outChannelGroups = Collections.unmodifiableMap(new LinkedHashMap<>(outChannelGroups));
        inChannelGroups = Collections.unmodifiableMap(new LinkedHashMap<>(inChannelGroups));
        numHeads = Collections.unmodifiableMap(new LinkedHashMap<>(numHeads));
    }

    /**
     * Returns a builder with the same settings, to derive a variant (for example another ratio).
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.importance = importance;
        b.ratio = ratio;
        b.ratioOverrides.putAll(ratioOverrides);
        b.ignoredLayers.addAll(ignoredLayers);
        b.steps = steps;
        b.schedule = schedule;
        b.roundTo = roundTo;
        b.maxPruningRatio = maxPruningRatio;
        b.rootOpTypes = rootOpTypes;
        b.globalPruning = globalPruning;
        b.isomorphic = isomorphic;
        b.outChannelGroups.putAll(outChannelGroups);
        b.inChannelGroups.putAll(inChannelGroups);
        b.numHeads.putAll(numHeads);
        b.pruneNumHeads = pruneNumHeads;
        b.pruneHeadDims = pruneHeadDims;
        b.headRatio = headRatio;
        b.budget = budget.orElse(null);
        b.soft = soft;
        return b;
    }

    /**
     * Returns the ratio override pattern that matches a node, if any.
     *
     * @param nodeName the node name
     * @return the first matching pattern
     */
    public Optional<NamePattern> overrideFor(String nodeName) {
        return first(ratioOverrides, nodeName).map(Map.Entry::getKey);
    }

    /**
     * Returns the channel groups a config lists for a node's output or input channels.
     *
     * @param nodeName the node name
     * @param out true for output channels
     * @return the number of groups, if a pattern matches
     */
    public Optional<Integer> channelGroupsFor(String nodeName, boolean out) {
        return first(out ? outChannelGroups : inChannelGroups, nodeName).map(Map.Entry::getValue);
    }

    /**
     * Returns the number of attention heads a config lists for a node.
     *
     * @param nodeName the node name
     * @return the heads, if a pattern matches
     */
    public Optional<Integer> numHeadsFor(String nodeName) {
        return first(numHeads, nodeName).map(Map.Entry::getValue);
    }

    private static <V> Optional<Map.Entry<NamePattern, V>> first(Map<NamePattern, V> m, String name) {
        for (Map.Entry<NamePattern, V> e : m.entrySet()) {
            if (e.getKey().matches(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
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
        return first(ratioOverrides, nodeName).map(Map.Entry::getValue).orElse(ratio);
    }

    /**
     * Tells whether a node's output channels may start a group: its op type is one of {@link
     * #rootOpTypes()}, or, when none are configured, declares itself a default root.
     *
     * @param node the node
     * @return true for a root
     */
    public boolean isRoot(Node node) {
        return rootOpTypes.isEmpty() ? node.op().isDefaultRoot(node)
                : rootOpTypes.contains(node.op().name());
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
        private PruningSchedule schedule = PruningSchedule.linear();
        private int roundTo = 1;
        private double maxPruningRatio = 1.0;
        private Set<String> rootOpTypes = Set.of();
        private boolean globalPruning;
        private boolean isomorphic;
        private final Map<NamePattern, Integer> outChannelGroups = new LinkedHashMap<>();
        private final Map<NamePattern, Integer> inChannelGroups = new LinkedHashMap<>();
        private final Map<NamePattern, Integer> numHeads = new LinkedHashMap<>();
        private boolean pruneNumHeads;
        private boolean pruneHeadDims = true;
        private double headRatio;
        private PruningBudget budget;
        private boolean soft;

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
         * Sets the op types whose output channels start groups (empty, the default: the op types
         * that declare themselves default roots, Torch-Pruning's convolutions, linear layers and
         * LSTMs among the built-ins).
         *
         * @param opTypes op type names
         * @return this builder
         */
        public Builder optRootOpTypes(Set<String> opTypes) {
            this.rootOpTypes = opTypes;
            return this;
        }

        /**
         * Sets the schedule of ratios over the steps (default linear).
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder optSchedule(PruningSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Ranks all groups' channels together (one threshold) instead of each group on its own.
         *
         * @param globalPruning whether to rank globally
         * @return this builder
         */
        public Builder optGlobalPruning(boolean globalPruning) {
            this.globalPruning = globalPruning;
            return this;
        }

        /**
         * Ranks each group only against groups of the same structure (isomorphic pruning).
         *
         * @param isomorphic whether to rank isomorphically
         * @return this builder
         */
        public Builder optIsomorphic(boolean isomorphic) {
            this.isomorphic = isomorphic;
            return this;
        }

        /**
         * Splits the output channels of matching nodes into equal groups pruned alike.
         *
         * @param pattern a glob over node names
         * @param groups at least 1
         * @return this builder
         */
        public Builder optOutChannelGroups(String pattern, int groups) {
            outChannelGroups.put(new NamePattern(pattern), groups);
            return this;
        }

        /**
         * Splits the input channels of matching nodes into equal groups pruned alike.
         *
         * @param pattern a glob over node names
         * @param groups at least 1
         * @return this builder
         */
        public Builder optInChannelGroups(String pattern, int groups) {
            inChannelGroups.put(new NamePattern(pattern), groups);
            return this;
        }

        /**
         * Declares the attention heads of matching nodes (their outputs are heads × head
         * dimension); their output channels are grouped by head.
         *
         * @param pattern a glob over node names
         * @param heads at least 1
         * @return this builder
         */
        public Builder optNumHeads(String pattern, int heads) {
            numHeads.put(new NamePattern(pattern), heads);
            return this;
        }

        /**
         * Removes whole heads: the {@code headRatio} of each attention group's heads with the
         * lowest mean score.
         *
         * @param pruneNumHeads whether to remove heads
         * @return this builder
         */
        public Builder optPruneNumHeads(boolean pruneNumHeads) {
            this.pruneNumHeads = pruneNumHeads;
            return this;
        }

        /**
         * Removes dimensions within every head (default true).
         *
         * @param pruneHeadDims whether to remove head dimensions
         * @return this builder
         */
        public Builder optPruneHeadDims(boolean pruneHeadDims) {
            this.pruneHeadDims = pruneHeadDims;
            return this;
        }

        /**
         * Sets the fraction of heads removed by the last step.
         *
         * @param headRatio in [0, 1)
         * @return this builder
         */
        public Builder optHeadRatio(double headRatio) {
            this.headRatio = headRatio;
            return this;
        }

        /**
         * Replaces the ratio by a cost target; the pruner searches the ratio.
         *
         * @param budget the target
         * @return this builder
         */
        public Builder optBudget(PruningBudget budget) {
            this.budget = budget;
            return this;
        }

        /**
         * Applies groups as masks (zeros, shapes unchanged) instead of removing channels.
         *
         * @param soft whether to mask
         * @return this builder
         */
        public Builder optSoft(boolean soft) {
            this.soft = soft;
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
            if (rootOpTypes == null) {
                problems.add("pruner.rootOpTypes: required (empty for the default roots)");
            }
            if (schedule == null) {
                problems.add("pruner.schedule: required");
            }
            checkCounts(problems, "pruner.outChannelGroups", outChannelGroups);
            checkCounts(problems, "pruner.inChannelGroups", inChannelGroups);
            checkCounts(problems, "pruner.numHeads", numHeads);
            checkRatio(problems, "pruner.headRatio", headRatio);
            if (pruneNumHeads && numHeads.isEmpty()) {
                problems.add("pruner.pruneNumHeads: needs numHeads for at least one layer");
            }
            if (budget != null && budget.target() <= 0) {
                problems.add("pruner.budget.target: must be positive, found " + budget.target());
            }
            if (budget != null && soft) {
                problems.add("pruner.budget: soft pruning removes nothing, so no budget can be met");
            }
            if (soft && steps > 1) {
                problems.add("pruner.soft: masks keep every channel, so soft pruning takes one "
                        + "step, found steps = " + steps);
            }
            if (!problems.isEmpty()) {
                String first = problems.get(0);
                int colon = first.indexOf(": ");
                String rest = String.join("; ", problems.subList(1, problems.size()));
                throw new ConfigException(first.substring(0, colon),
                        first.substring(colon + 2) + (rest.isEmpty() ? "" : "; " + rest));
            }
            return new PruningConfig(importance, ratio, ratioOverrides, ignoredLayers, steps,
                    schedule, roundTo, maxPruningRatio, rootOpTypes, globalPruning, isomorphic,
                    outChannelGroups, inChannelGroups, numHeads, pruneNumHeads, pruneHeadDims,
                    headRatio, Optional.ofNullable(budget), soft);
        }

        private static void checkCounts(List<String> problems, String field,
                Map<NamePattern, Integer> counts) {
            counts.forEach((p, n) -> {
                if (n < 1) {
                    problems.add(field + "[" + p.glob() + "]: must be at least 1, found " + n);
                }
            });
        }

        private static void checkRatio(List<String> problems, String field, double r) {
            if (!(r >= 0 && r < 1)) {
                problems.add(field + ": must be in [0, 1), found " + r);
            }
        }
    }
}
