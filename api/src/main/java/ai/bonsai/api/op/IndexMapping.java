package ai.bonsai.api.op;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * How the channel indices of one slot map into a node's channel space, and back.
 *
 * <p>Sealed so that a {@code switch} over mappings is exhaustive. Heads use {@link Expansion}
 * (one head covers head_dim channels), grouped-query attention's shared key/value heads {@link
 * HeadRepeat}, a channel shuffle {@link Permutation}.
 */
public sealed interface IndexMapping
        permits IndexMapping.Identity, IndexMapping.Offset, IndexMapping.Expansion,
                IndexMapping.Tiled, IndexMapping.HeadRepeat, IndexMapping.Permutation {

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

    /**
     * The slot holds heads of {@code headDim} channels, each shared by {@code repeats}
     * consecutive heads of the node space, which starts at {@code offset} (grouped-query
     * attention: key/value head g serves query heads {@code g * repeats ... (g + 1) * repeats - 1},
     * as Hugging Face's {@code repeat_kv}). Slot index {@code g * headDim + j} is node-space index
     * {@code offset + (g * repeats + r) * headDim + j} for every r; node-space index {@code offset +
     * h * headDim + j} comes from slot index {@code (h / repeats) * headDim + j}. So a group that
     * takes channel j of one query head takes it in every query head sharing that key/value head.
     *
     * @param headDim the channels per head
     * @param repeats the node-space heads per slot head (1: one to one)
     * @param offset the first node-space index of the slot's heads
     * @param length the slot's channel count (slot heads times {@code headDim})
     */
    record HeadRepeat(int headDim, int repeats, int offset, int length) implements IndexMapping {
        @Override
        public void toSpace(int slotIndex, IntConsumer sink) {
            int head = slotIndex / headDim;
            int j = slotIndex % headDim;
            for (int r = 0; r < repeats; r++) {
                sink.accept(offset + (head * repeats + r) * headDim + j);
            }
        }

        @Override
        public int fromSpace(int spaceIndex) {
            int i = spaceIndex - offset;
            if (i < 0 || i >= length * repeats) {
                return -1;
            }
            return (i / headDim / repeats) * headDim + i % headDim;
        }
    }

    /**
     * Slot index s is node-space index {@code order[s]}, a one-to-one reordering (ShuffleNet's
     * channel shuffle: output channel {@code j·g + i} is input channel {@code i·(C/g) + j} for
     * g groups).
     *
     * @param order the node-space index of each slot index: every index of {@code [0, n)} once
     */
    record Permutation(int[] order) implements IndexMapping {

        /**
         * Copies and checks the order.
         *
         * @throws IllegalArgumentException if it is not a permutation of {@code [0, n)}
         */
        public Permutation {
            order = order.clone();
            boolean[] seen = new boolean[order.length];
            for (int i : order) {
                if (i < 0 || i >= order.length || seen[i]) {
                    throw new IllegalArgumentException("not a permutation of 0.." + (order.length - 1)
                            + ": " + Arrays.toString(order));
                }
                seen[i] = true;
            }
        }

        /**
         * Returns the order.
         *
         * @return a copy of the node-space index of each slot index
         */
        @Override
        public int[] order() {
            return order.clone();
        }

        /**
         * Returns ShuffleNet's channel shuffle of {@code channels} channels in {@code groups}
         * groups: slot (output) channel {@code j·groups + i} is node-space (input) channel {@code
         * i·(channels/groups) + j}.
         *
         * @param channels the channel count
         * @param groups the groups, a divisor of {@code channels}
         * @return the permutation
         * @throws IllegalArgumentException if {@code groups} does not divide {@code channels}
         */
        public static Permutation shuffle(int channels, int groups) {
            if (groups < 1 || channels % groups != 0) {
                throw new IllegalArgumentException(groups + " groups do not divide " + channels + " channels");
            }
            int perGroup = channels / groups;
            int[] order = new int[channels];
            for (int o = 0; o < channels; o++) {
                order[o] = (o % groups) * perGroup + o / groups;
            }
            return new Permutation(order);
        }

        @Override
        public void toSpace(int slotIndex, IntConsumer sink) {
            sink.accept(order[slotIndex]);
        }

        @Override
        public int fromSpace(int spaceIndex) {
            for (int s = 0; s < order.length; s++) {
                if (order[s] == spaceIndex) {
                    return s;
                }
            }
            return -1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Permutation p && Arrays.equals(order, p.order);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(order);
        }

        @Override
        public String toString() {
            return "Permutation" + Arrays.toString(order);
        }
    }
}
