package ai.bonsai.api.pruner;

import ai.bonsai.api.graph.Graph;
import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * A model family's pruning defaults (YOLOv8: keep the Detect outputs, round widths to multiples
 * of 8), contributed by the family's plugin and applied by {@code bonsai prune} to the fields a
 * plan and the command line leave unset, once the loaded model is recognised.
 *
 * <pre>{@code
 * @Extension
 * public final class YoloFamilyDefaults implements FamilyDefaults {
 *     public String name() { return "yolov8"; }
 *     public boolean appliesTo(Graph graph) { return graph.parameters().containsKey("model.22.dfl.conv.weight"); }
 *     public Map<String, Object> planFields() { return Map.of("pruner.round_to", 8L); }
 * }
 * }</pre>
 */
public interface FamilyDefaults extends ExtensionPoint {

    /**
     * Returns the family's name, for messages.
     *
     * @return the name, such as {@code yolov8}
     */
    String name();

    /**
     * Tells whether a loaded model belongs to the family.
     *
     * @param graph the model
     * @return true to apply the defaults
     */
    boolean appliesTo(Graph graph);

    /**
     * Returns the defaults as plan fields: dotted paths of the plan schema ({@code
     * pruner.round_to}) and values as a plan file would hold them (numbers, strings, booleans,
     * lists).
     *
     * @return the fields
     */
    Map<String, Object> planFields();
}
