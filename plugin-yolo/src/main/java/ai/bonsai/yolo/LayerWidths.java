package ai.bonsai.yolo;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The widths of a pruned YOLOv8, as recorded in the {@code bonsai} section of its config: the
 * output channels of every convolution and the piece sizes of every C2f split. A model built
 * from its scale alone has no entries; each entry overrides the width the scale implies.
 *
 * @param outChannels output channels by convolution node ({@code model.2.cv1.conv})
 * @param splits piece sizes by split node ({@code model.2.split})
 */
public record LayerWidths(Map<String, Integer> outChannels, Map<String, List<Long>> splits) {

    /** No overrides: every width follows the scale. */
    public static final LayerWidths NONE = new LayerWidths(Map.of(), Map.of());

    /**
     * Copies the maps (sorted by node name).
     */
    public LayerWidths {
        outChannels = Collections.unmodifiableMap(new TreeMap<>(outChannels));
        splits = Collections.unmodifiableMap(new TreeMap<>(splits));
    }

    /**
     * Returns a convolution's output channels.
     *
     * @param node the convolution's node name
     * @param scaled the width the scale implies
     * @return the recorded width, or {@code scaled}
     */
    public int out(String node, int scaled) {
        return outChannels.getOrDefault(node, scaled);
    }

    /**
     * Returns a split's piece sizes.
     *
     * @param node the split's node name
     * @param scaled the sizes the scale implies
     * @return the recorded sizes, or {@code scaled}
     */
    public long[] split(String node, long[] scaled) {
        List<Long> sizes = splits.get(node);
        return sizes == null ? scaled : sizes.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Tells whether no width is overridden.
     *
     * @return true for a model at its scale's widths
     */
    public boolean isEmpty() {
        return outChannels.isEmpty() && splits.isEmpty();
    }
}
