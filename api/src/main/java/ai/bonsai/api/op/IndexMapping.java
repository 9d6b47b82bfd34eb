package ai.bonsai.api.op;

import java.util.function.IntConsumer;

/**
 * How the channel indices of one slot map into a node's channel space, and back.
 *
 * <p>Sealed so that a {@code switch} over mappings is exhaustive. Heads use {@link Expansion}
 * (one head covers head_dim channels); later issues add permutation (channel shuffle).
 */
public sealed interface IndexMapping
        permits IndexMapping.Identity, IndexMapping.Offset, IndexMapping.Expansion,
                IndexMapping.Tiled {

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

    /**
     * Emits every slot index a node-space index appears at: the one {@link #fromSpace(int)}
     * returns for most mappings, several for {@link Tiled}.
     *
     * @param spaceIndex the node-space index
     * @param sink receives slot indices, ascending
     */
    default void fromSpace(int spaceIndex, IntConsumer sink) {
        int slotIndex = fromSpace(spaceIndex);
        if (slotIndex >= 0) {
            sink.accept(slotIndex);
        }
    }

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

    /**
     * The slot holds {@code copies} consecutive copies of the node space, each of length {@code
     * period}: slot index s is node-space index {@code s % period}, and node-space index j appears
     * at {@code j, j + period, ...} (the output of a bidirectional LSTM: hidden unit j is feature j
     * of the forward and feature {@code period + j} of the backward direction).
     *
     * @param period the node-space size
     * @param copies the number of copies
     */
    record Tiled(int period, int copies) implements IndexMapping {
        @Override
        public void toSpace(int slotIndex, IntConsumer sink) {
            sink.accept(slotIndex % period);
        }

        /**
         * {@inheritDoc}
         *
         * <p>Returns the first copy's index; {@link #fromSpace(int, IntConsumer)} gives them all.
         */
        @Override
        public int fromSpace(int spaceIndex) {
            return spaceIndex < period ? spaceIndex : -1;
        }

        @Override
        public void fromSpace(int spaceIndex, IntConsumer sink) {
            if (spaceIndex < period) {
                for (int c = 0; c < copies; c++) {
                    sink.accept(c * period + spaceIndex);
                }
            }
        }
    }
}
