package ai.bonsai.core.importance;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The shape every Torch-Pruning group criterion shares: score each member that the criterion
 * targets (one array per term, aligned with the member's indices), add the terms up per root
 * channel ({@link GroupReduction}), then normalize ({@link Normalizer}).
 *
 * <p>A member's indices may map many-to-one onto root channels (a linear after a flatten): its
 * terms then add up into their root channel, and the member still counts once for {@code mean}.
 * A group without any scored member gets no score, and is not pruned.
 */
abstract class GroupImportance implements ImportanceCriterion {

    private final ImportanceOptions options;
    private final Set<Kind> roles;

    /**
     * Creates a criterion.
     *
     * @param options the shared options
     * @param defaultRoles the member roles Torch-Pruning's version of this criterion scores
     */
    GroupImportance(ImportanceOptions options, Set<Kind> defaultRoles) {
        this.options = options;
        this.roles = options.scoreAllMembers()
                ? EnumSet.allOf(Kind.class) : EnumSet.copyOf(defaultRoles);
    }

    /**
     * Returns the shared options.
     *
     * @return the options
     */
    ImportanceOptions options() {
        return options;
    }

    @Override
    public Optional<double[]> score(Group group) {
        return scoreAll(List.of(group)).get(0);
    }

    @Override
    public List<Optional<double[]>> scoreAll(List<Group> groups) {
        List<List<ScoredMember>> scored = new ArrayList<>(groups.size());
        List<ScoredMember> all = new ArrayList<>();
        for (Group g : groups) {
            List<ScoredMember> members = new ArrayList<>();
            for (GroupMember m : g.members()) {
                ScoredMember.of(m).filter(s -> roles.contains(s.role())).ifPresent(members::add);
            }
            scored.add(members);
            all.addAll(members);
        }
        prepare(all);
        List<Optional<double[]>> out = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            out.add(combine(groups.get(i), scored.get(i)));
        }
        return out;
    }

    /**
     * Computes, once for all groups of a call, what member scoring needs (for example per-weight
     * sums shared by several groups). The default does nothing.
     *
     * @param members every scored member of the groups being scored
     */
    void prepare(List<ScoredMember> members) {
    }

    /**
     * Scores one member.
     *
     * @param member the member
     * @return the member's terms, each aligned with its indices (the weight's, then the bias's
     *     when {@link ImportanceOptions#bias()} is set and the member has one); empty when the
     *     member contributes nothing
     */
    abstract List<float[]> scoreMember(ScoredMember member);

    private Optional<double[]> combine(Group group, List<ScoredMember> members) {
        int[] rootIdxs = group.root().idxs().toArray();
        List<float[]> terms = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        for (ScoredMember m : members) {
            List<float[]> t = scoreMember(m);
            if (t.isEmpty()) {
                continue;
            }
            int[] pos = new int[m.member().idxs().size()];
            for (int k = 0; k < pos.length; k++) {
                pos[k] = Arrays.binarySearch(rootIdxs, m.member().rootIdx(k));
            }
            for (float[] term : t) {
                terms.add(term);
                positions.add(pos);
            }
        }
        if (terms.isEmpty()) {
            return Optional.empty();
        }
        float[] reduced = options.reduction().reduce(terms, positions, rootIdxs.length);
        options.normalizer().apply(reduced);
        double[] result = new double[reduced.length];
        for (int i = 0; i < result.length; i++) {
            result[i] = reduced[i];
        }
        return Optional.of(result);
    }
}
