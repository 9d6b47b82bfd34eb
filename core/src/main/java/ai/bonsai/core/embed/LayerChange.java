package ai.bonsai.core.embed;

import ai.bonsai.core.count.ModelCost;
import java.util.List;

/**
 * One pruned layer of a {@link PruningResult}.
 *
 * @param name the node's name
 * @param opType the node's op type
 * @param outChannelsBefore output channels before pruning
 * @param keptOutChannels the original indices of the output channels left, ascending
 * @param before the layer's params and MACs before pruning
 * @param after the layer's params and MACs after pruning
 */
public record LayerChange(
        String name,
        String opType,
        int outChannelsBefore,
        List<Integer> keptOutChannels,
        ModelCost before,
        ModelCost after) {

    /**
     * Copies the list.
     */
    public LayerChange {
        keptOutChannels = List.copyOf(keptOutChannels);
    }

    /**
     * Returns the output channels left.
     *
     * @return the number of kept channels
     */
    public int outChannelsAfter() {
        return keptOutChannels.size();
    }
}
