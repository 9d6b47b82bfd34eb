package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Base of the sliding-window 2-D poolings. Attributes: {@code kernel}, {@code stride}, {@code
 * padding} (pairs) and {@code ceil_mode}; output sizes follow PyTorch, ceil mode included.
 */
abstract class WindowPool2dOp extends Pool2dOp {

    /**
     * Creates the op type.
     *
     * @param name the registry name
     */
    WindowPool2dOp(String name) {
        super(name);
    }

    @Override
    public final List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireRank(Shapes.requireInputs(in, 1).get(0), 4, "input");
        Attributes a = node.attributes();
        long[] k = Shapes.pair(a, "kernel");
        long[] s = Shapes.pair(a, "stride");
        long[] p = Shapes.pair(a, "padding");
        boolean ceil = a.getBoolean("ceil_mode");
        return List.of(new Shape(x.get(0), x.get(1),
                Shapes.poolOut(x.get(2), k[0], s[0], p[0], ceil),
                Shapes.poolOut(x.get(3), k[1], s[1], p[1], ceil)));
    }
}
