package ai.bonsai.api.op;

import java.util.function.IntConsumer;

/**
 * How the channel indices of one slot map into a node's channel space, and back.
 *
 * <p>Sealed so that a {@code switch} over mappings is exhaustive; later issues add regrouping
 * (heads), permutation (channel shuffle) and slicing.
 */
public sealed interface IndexMapping
        permits IndexMapping.Identity, IndexMapping.Offset, IndexMapping.Expansion {

    /** The one-to-one mapping. */
    IndexMapping IDENTITY = new Identity();

    /**
     * Emits the node-space indices a slot index covers.
     *
     * @param slotIndex the index in the slot
     * @param sink receives node-space indices, ascending
     */
    void toSpace(int slotIndex, IntConsumer sink);

    /**
     * Returns the slot index a node-space index comes from, or -1 if it lies outside this slot.
     *
     * @param spaceIndex the node-space index
     * @return the slot index or -1
     */
    int fromSpace(int spaceIndex);

    /** Slot index i is node-space index i. */
    record Identity() implements IndexMapping {
        @Override
        public void toSpace(int slotIndex, IntConsumer sink) {
            sink.accept(slotIndex);
        }

        @Override
        public int fromSpace(int spaceIndex) {
            return spaceIndex;
        }
    }

    /**
     * The slot occupies {@code [offset, offset + length)} of the node space (concat inputs).
     *
     * @param offset the first node-space index of the slot
     * @param length the slot's channel count
     */
    record Offset(int offset, int length) implements IndexMapping {
        @Override
        public void toSpace(int slotIndex, IntConsumer sink) {
            sink.accept(offset + slotIndex);
        }

        @Override
        public int fromSpace(int spaceIndex) {
            int i = spaceIndex - offset;
            return i >= 0 && i < length ? i : -1;
        }
    }

    /**
     * Slot channel c covers node-space indices {@code [c * factor, (c + 1) * factor)} (flatten of
     * a C x H x W map into C*H*W features).
     *
     * @param factor the number of features per channel
     */
    record Expansion(int factor) implements IndexMapping {
        @Override
        public void toSpace(int slotIndex, IntConsumer sink) {
            for (int j = 0; j < factor; j++) {
                sink.accept(slotIndex * factor + j);
            }
        }

        @Override
        public int fromSpace(int spaceIndex) {
            return spaceIndex / factor;
        }
    }
}
