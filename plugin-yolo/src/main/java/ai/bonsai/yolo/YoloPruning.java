package ai.bonsai.yolo;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.List;

/**
 * The pruning defaults for YOLOv8: the Detect head's output convolutions are kept (they are
 * never prunable anyway, since {@link DflOp} and {@link AnchorDecodeOp} are opaque, but listing
 * them keeps them out of the ranking), channels left are rounded down to multiples of 8 (widths
 * that run fast), local ranking. Every other setting, the criterion included, stays the
 * caller's choice.
 *
 * <pre>{@code
 * PruningConfig config = YoloPruning.defaults(new MagnitudeImportance()).optRatio(0.5).build();
 * }</pre>
 */
public final class YoloPruning {

    /**
     * The Detect head's output convolutions (box distributions and class logits) and the DFL,
     * named as the adapter and the ONNX importer name them.
     */
    public static final List<String> DETECT_OUTPUTS = List.of("model.22.cv2.*.2", "model.22.cv3.*.2",
            "model.22.dfl*");

    /** Channels left are rounded down to a multiple of this. */
    public static final int ROUND_TO = 8;

    private YoloPruning() {
    }

    /**
     * Tells whether a graph is a YOLOv8 detector as the adapter, the {@code yolo} format or the
     * ONNX importer names it (a Detect head {@code model.22} with its DFL), so that a command
     * can apply these defaults.
     *
     * @param graph the graph
     * @return true if the graph holds {@code model.22.dfl.conv.weight} and the head's first
     *     output convolution {@code model.22.cv2.0.2}
     */
    public static boolean appliesTo(Graph graph) {
        return graph.parameters().containsKey("model.22.dfl.conv.weight")
                && graph.parameters().containsKey("model.22.cv2.0.2.weight");
    }

    /**
     * Returns a config builder with YOLOv8's defaults.
     *
     * @param importance the criterion (magnitude L2 by default in the CLI)
     * @return the builder, to which the caller adds the ratio and anything else
     */
    public static PruningConfig.Builder defaults(ImportanceCriterion importance) {
        return PruningConfig.builder()
                .setImportance(importance)
                .optIgnoredLayers(DETECT_OUTPUTS)
                .optRoundTo(ROUND_TO)
                .optGlobalPruning(false);
    }
}
