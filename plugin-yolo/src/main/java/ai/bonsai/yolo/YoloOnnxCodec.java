package ai.bonsai.yolo;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The ONNX form of the head's plugin ops, written with standard operators so that ONNX Runtime
 * runs a graph built by the adapter or read by the {@code yolo} format (an ONNX export is read
 * by the generic importer and never holds these ops, so nothing is imported):
 *
 * <ul>
 *   <li>{@code yolo.dfl}: {@code Reshape (N, 4, reg_max, A)} → {@code Softmax} (axis 2) →
 *       {@code Mul} by the bin weights {@code (1, 1, reg_max, 1)} → {@code ReduceSum} (axis 2);
 *   <li>{@code yolo.decode}: the anchor centres and strides as constants, {@code Slice} of the
 *       distances into left-top and right-bottom, {@code Sub}/{@code Add}, centre and size,
 *       {@code Mul} by the strides, {@code Concat} with the scores.
 * </ul>
 */
@Extension
public final class YoloOnnxCodec implements OnnxOpCodec {

    private static final long REDUCE_AXES_AS_INPUT = 13;

    /** Creates the codec (PF4J instantiates it). */
    public YoloOnnxCodec() {
    }

    @Override
    public Set<String> exports() {
        return Set.of(DflOp.NAME, AnchorDecodeOp.NAME);
    }

    @Override
    public void exportNode(Node node, OnnxExportContext context) {
        if (node.op().name().equals(DflOp.NAME)) {
            exportDfl(node, context);
        } else {
            exportDecode(node, context);
        }
    }

    private static void exportDfl(Node node, OnnxExportContext c) {
        long bins = node.attributes().getLong("reg_max");
        String bins4 = emit(c, "Reshape", List.of(c.input(0), c.longs("shape", 0, 4, bins, -1)),
                Map.of());
        String p = emit(c, "Softmax", List.of(bins4), Map.of("axis", 2L));
        String weighted = emit(c, "Mul", List.of(p, c.parameter(DflOp.WEIGHT, 1, 1, bins, 1)),
                Map.of());
        if (c.opset() >= REDUCE_AXES_AS_INPUT) {
            c.emit(OnnxNode.of("", "ReduceSum", List.of(weighted, c.longs("axes", 2)),
                    List.of(c.output(0)), Map.of("keepdims", 0L)));
        } else {
            c.emit(OnnxNode.of("", "ReduceSum", List.of(weighted), List.of(c.output(0)),
                    Map.of("axes", new long[] {2}, "keepdims", 0L)));
        }
    }

    private static void exportDecode(Node node, OnnxExportContext c) {
        long[] grid = node.attributes().getLongs("grid");
        long[] strides = node.attributes().getLongs("strides");
        AnchorGrid anchors = AnchorGrid.of(grid, strides);
        long n = anchors.count();
        String centres = c.floats("anchors", new long[] {1, 2, n}, anchors.centres());
        String stride = c.floats("strides", new long[] {1, 1, n}, anchors.strides());
        String axis = c.longs("axis", 1);
        String lt = emit(c, "Slice", List.of(c.input(0), c.longs("lt_start", 0),
                c.longs("lt_end", 2), axis), Map.of());
        String rb = emit(c, "Slice", List.of(c.input(0), c.longs("rb_start", 2),
                c.longs("rb_end", 4), axis), Map.of());
        String topLeft = emit(c, "Sub", List.of(centres, lt), Map.of());
        String bottomRight = emit(c, "Add", List.of(centres, rb), Map.of());
        String centre = emit(c, "Mul", List.of(emit(c, "Add", List.of(topLeft, bottomRight),
                Map.of()), c.floats("half", new long[0], 0.5f)), Map.of());
        String size = emit(c, "Sub", List.of(bottomRight, topLeft), Map.of());
        String boxes = emit(c, "Mul", List.of(emit(c, "Concat", List.of(centre, size),
                Map.of("axis", 1L)), stride), Map.of());
        c.emit(OnnxNode.of("", "Concat", List.of(boxes, c.input(1)), List.of(c.output(0)),
                Map.of("axis", 1L)));
    }

    private static String emit(OnnxExportContext c, String opType, List<String> inputs,
            Map<String, Object> attributes) {
        String out = c.temp(opType);
        c.emit(OnnxNode.of("", opType, inputs, List.of(out), attributes));
        return out;
    }
}
