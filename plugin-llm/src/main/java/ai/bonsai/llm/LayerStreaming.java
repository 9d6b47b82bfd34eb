package ai.bonsai.llm;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wraps a weight-only criterion so that scoring streams: each group is scored alone and the
 * parameters of its members are released right after ({@link
 * ai.bonsai.api.graph.Parameter#release()}), so with lazy parameters at most one group's weights
 * — one layer's attention or MLP — are in memory at a time. Magnitude-family criteria read rows
 * ({@link ai.bonsai.api.graph.Parameter#rows()}) and hold no weight anyway; the wrapper matters
 * for criteria that read whole tensors. Pruning then only records selections, and {@link
 * HfWriter} copies each pruned tensor from its file. Do not wrap criteria that keep references to
 * weights between scoring and pruning.
 *
 * <pre>{@code
 * ImportanceCriterion streaming = new LayerStreaming(host.criteria().get("magnitude"));
 * }</pre>
 */
public final class LayerStreaming implements ImportanceCriterion {

    private final ImportanceCriterion delegate;

    /**
     * Wraps a criterion.
     *
     * @param delegate the criterion that scores
     */
    public LayerStreaming(ImportanceCriterion delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        return new LayerStreaming(delegate.withParameters(parameters));
    }

    @Override
    public Optional<double[]> score(Group group) {
        try {
            return delegate.score(group);
        } finally {
            for (GroupMember m : group.members()) {
                m.node().parameters().values().forEach(p -> p.release());
            }
        }
    }

    @Override
    public List<Optional<double[]>> scoreAll(List<Group> groups) {
        List<Optional<double[]>> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            out.add(score(g));
        }
        return out;
    }

    @Override
    public void beforePrune(Group group) {
        delegate.beforePrune(group);
    }
}
