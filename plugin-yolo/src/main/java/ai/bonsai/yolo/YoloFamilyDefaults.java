package ai.bonsai.yolo;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.FamilyDefaults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@link YoloPruning}'s defaults for {@code bonsai prune} on a YOLOv8 model: the Detect head's
 * output convolutions and DFL kept, widths rounded down to multiples of 8, local ranking.
 */
@Extension
public final class YoloFamilyDefaults implements FamilyDefaults {

    @Override
    public String name() {
        return "yolov8";
    }

    @Override
    public boolean appliesTo(Graph graph) {
        return YoloPruning.appliesTo(graph);
    }

    @Override
    public Map<String, Object> planFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("pruner.ignored_layers", new ArrayList<Object>(YoloPruning.DETECT_OUTPUTS));
        fields.put("pruner.round_to", (long) YoloPruning.ROUND_TO);
        return fields;
    }
}
