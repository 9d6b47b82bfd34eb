package ai.bonsai.core.depgraph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.prune.PruningHandle;

/**
 * One directed dependency along a graph edge: pruning {@code (source, trigger)} forces pruning
 * {@code (target, handler)}. The index mapping is read from the two nodes' current channel
 * semantics when the dependency is followed, so offsets stay right after earlier pruning.
 *
 * @param source the node whose handle triggers the dependency
 * @param trigger the triggering handle
 * @param target the node to prune
 * @param handler the handle to apply on the target
 * @param producer the producer end of the edge
 * @param outputSlot the producer's output slot
 * @param consumer the consumer end of the edge
 * @param inputSlot the consumer's input slot
 * @param forward true when the dependency runs from producer to consumer
 */
record Dependency(
        Node source,
        PruningHandle trigger,
        Node target,
        PruningHandle handler,
        Node producer,
        int outputSlot,
        Node consumer,
        int inputSlot,
        boolean forward) {

    /**
     * Maps (index, root) pairs from the source's channel space into the target's.
     *
     * @param idx indices in the source space
     * @param root their root indices
     * @param semantics channel semantics lookup
     * @return mapped pairs, first occurrence of each index kept
     */
    IndexPairs map(int[] idx, int[] root, SemanticsCache semantics) {
        ChannelSlot out = semantics.of(producer).outputs().get(outputSlot);
        ChannelSlot in = semantics.of(consumer).inputs().get(inputSlot);
        ChannelSlot from = forward ? out : in;
        ChannelSlot to = forward ? in : out;
        IndexPairs.Builder result = new IndexPairs.Builder();
        for (int i = 0; i < idx.length; i++) {
            int r = root[i];
            from.mapping().fromSpace(idx[i],
                    slotIndex -> to.mapping().toSpace(slotIndex, t -> result.add(t, r)));
        }
        return result.build();
    }
}
