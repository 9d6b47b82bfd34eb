package ai.bonsai.yolo;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Test-only stand-in for constant folding the ONNX importer does not do yet: replaces the
 * Detect head's anchor sub-graph (Ultralytics' {@code make_anchors}, traced as Expand/Transpose
 * of constants) by one Constant {@code (2, anchors)} of cell centres, and drops the nodes that
 * only fed it.
 */
final class AnchorFolding {

    /** The output of the Transpose that ends the anchor sub-graph in both fixture exports. */
    static final String ANCHORS = "/model.22/Transpose_output_0";

    private AnchorFolding() {
    }

    static Path fold(Path onnx, Path target, int[] grid) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(onnx));
        GraphProto g = model.getGraph();
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            nodes.add(n.getOutputList().contains(ANCHORS) ? constant(grid) : n);
        }
        Set<String> used = new HashSet<>();
        g.getOutputList().forEach(o -> used.add(o.getName()));
        List<NodeProto> kept = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(used::contains)) {
                used.addAll(n.getInputList());
                kept.add(0, n);
            }
        }
        Files.write(target, model.toBuilder().setGraph(g.toBuilder().clearNode().addAllNode(kept))
                .build().toByteArray());
        return target;
    }

    private static NodeProto constant(int[] grid) {
        int anchors = 0;
        for (int k = 0; k < grid.length; k += 2) {
            anchors += grid[k] * grid[k + 1];
        }
        ByteBuffer data = ByteBuffer.allocate(8 * anchors).order(ByteOrder.LITTLE_ENDIAN);
        for (int row = 0; row < 2; row++) {
            for (int k = 0; k < grid.length; k += 2) {
                for (int y = 0; y < grid[k]; y++) {
                    for (int x = 0; x < grid[k + 1]; x++) {
                        data.putFloat((row == 0 ? x : y) + 0.5f);
                    }
                }
            }
        }
        TensorProto t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addDims(anchors).setRawData(ByteString.copyFrom(data.array())).build();
        return NodeProto.newBuilder().setOpType("Constant").setName("/model.22/anchors")
                .addOutput(ANCHORS).addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(t)).build();
    }
}
