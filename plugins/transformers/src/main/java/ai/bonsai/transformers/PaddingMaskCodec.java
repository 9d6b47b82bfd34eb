package ai.bonsai.transformers;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Writes {@link PaddingMaskOp} ({@code transformers.padding_mask}) as the standard ONNX ops BERT
 * exporters emit: {@code Unsqueeze((1 - Cast(mask)) · min_float, [1, 2])}, so that an exported
 * encoder runs in any runtime without this plugin. Nothing is imported through this codec.
 */
@Extension
public final class PaddingMaskCodec implements OnnxOpCodec {

    private static final long FLOAT = 1;
    private static final long FIRST_OPSET_WITH_AXES_INPUT = 13;

    @Override
    public Set<String> exports() {
        return Set.of(PaddingMaskOp.NAME);
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        String cast = c.temp("Cast");
        c.emit(OnnxNode.of("", "Cast", List.of(c.input(0)), List.of(cast), Map.of("to", FLOAT)));
        String keep = c.temp("Sub");
        c.emit(OnnxNode.of("", "Sub", List.of(c.floats("one", new long[0], 1f), cast),
                List.of(keep), Map.of()));
        String masked = c.temp("Mul");
        c.emit(OnnxNode.of("", "Mul", List.of(keep, c.floats("lowest", new long[0], -Float.MAX_VALUE)),
                List.of(masked), Map.of()));
        if (c.opset() >= FIRST_OPSET_WITH_AXES_INPUT) {
            c.emit(OnnxNode.of("", "Unsqueeze", List.of(masked, c.longs("axes", 1, 2)),
                    List.of(c.output(0)), Map.of()));
        } else {
            c.emit(OnnxNode.of("", "Unsqueeze", List.of(masked), List.of(c.output(0)),
                    Map.of("axes", new long[] {1, 2})));
        }
    }
}
