package ai.bonsai.llm;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Channels removed from a tensor of {@code heads × headDim} features, understood per head: either
 * whole heads, or the same positions inside every head.
 *
 * @param heads the whole heads removed (empty when positions are removed)
 * @param positions the positions removed inside every head (empty when heads are removed)
 */
public record HeadCut(IndexSet heads, IndexSet positions) {

    /**
     * Classifies removed channels.
     *
     * @param node the node, for the message
     * @param idxs the removed channels
     * @param heads the number of heads
     * @param headDim the size of each head
     * @return the cut
     * @throws PruningException naming the node when the channels are neither whole heads nor the
     *     same positions in every head
     */
    public static HeadCut of(Node node, IndexSet idxs, int heads, int headDim) {
        boolean[][] removed = new boolean[heads][headDim];
        idxs.stream().forEach(i -> removed[i / headDim][i % headDim] = true);
        int[] whole = IntStream.range(0, heads)
                .filter(h -> IntStream.range(0, headDim).allMatch(d -> removed[h][d])).toArray();
        if (whole.length * headDim == idxs.size()) {
            return new HeadCut(IndexSet.of(whole), IndexSet.of());
        }
        boolean same = IntStream.range(1, heads).allMatch(h -> Arrays.equals(removed[h], removed[0]));
        if (!same) {
            throw new PruningException("node '" + node.name() + "' (" + node.op().name()
                    + ") needs whole heads or the same positions in every head of " + headDim
                    + ", the removed channels are " + idxs);
        }
        return new HeadCut(IndexSet.of(), IndexSet.of(IntStream.range(0, headDim)
                .filter(d -> removed[0][d]).toArray()));
    }
}
