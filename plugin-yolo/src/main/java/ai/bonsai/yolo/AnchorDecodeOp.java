package ai.bonsai.yolo;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code yolo.decode}: the last step of YOLOv8's Detect head. Inputs: the DFL distances {@code
 * (N, 4, A)} (left, top, right, bottom, in grid cells) and the class scores {@code (N, nc, A)};
 * output {@code (N, 4 + nc, A)}: each box as centre x, centre y, width, height in pixels, then the
 * scores.
 *
 * <p>Anchors lie at the cell centres of each level, row by row: level k has a {@code grid[2k] x
 * grid[2k + 1]} grid (height, width) and stride {@code strides[k]}; anchor {@code (x + 0.5, y +
 * 0.5)} of a cell gives the box {@code ((a - lt + a + rb) / 2, rb + lt) * stride}. Attributes:
 * {@code grid} (heights and widths, two per level) and {@code strides}. Channels: opaque, so that
 * the head's outputs (and so the box and class convolutions) are never pruned. MACs: 0.
 */
@Extension
public final class AnchorDecodeOp implements OpType {

    /** The op type's name. */
    public static final String NAME = "yolo.decode";

    /** Creates the op type (PF4J instantiates it). */
    public AnchorDecodeOp() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        long[] grid = node.attributes().getLongs("grid");
        long[] strides = node.attributes().getLongs("strides");
        if (grid.length != 2 * strides.length || strides.length == 0) {
            throw new GraphException("attribute 'grid' must hold a height and a width per stride,"
                    + " found " + grid.length + " values for " + strides.length + " strides");
        }
        long anchors = AnchorGrid.count(grid);
        if (in.size() != 2 || in.get(0).dimension() != 3 || in.get(1).dimension() != 3
                || in.get(0).get(1) != 4 || in.get(0).get(2) != anchors
                || in.get(1).get(2) != anchors || in.get(0).get(0) != in.get(1).get(0)) {
            throw new GraphException("expects distances (N, 4, " + anchors + ") and scores (N, nc, "
                    + anchors + "), found " + in);
        }
        Shape d = in.get(0);
        return List.of(new Shape(d.get(0), 4 + in.get(1).get(1), anchors));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        long[] grid = node.attributes().getLongs("grid");
        long[] strides = node.attributes().getLongs("strides");
        AnchorGrid anchors = AnchorGrid.of(grid, strides);
        NDArray distances = inputs.get(0);
        NDArray centres = context.manager().create(anchors.centres(),
                new Shape(1, 2, anchors.count()));
        NDArray stride = context.manager().create(anchors.strides(),
                new Shape(1, 1, anchors.count()));
        NDArray topLeft = centres.sub(distances.get(new NDIndex(":, 0:2")));
        NDArray bottomRight = centres.add(distances.get(new NDIndex(":, 2:4")));
        NDArray centre = topLeft.add(bottomRight).div(context.scalar(2, topLeft));
        NDArray size = bottomRight.sub(topLeft);
        NDArray boxes = NDArrays.concat(new NDList(centre, size), 1).mul(stride);
        return new NDList(NDArrays.concat(new NDList(boxes, inputs.get(1)), 1));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.opaque(2, 1);
    }
}
