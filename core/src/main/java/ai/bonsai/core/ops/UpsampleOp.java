package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code upsample}: upsampling of an (N, C, H, W) input by integer factors, as PyTorch's {@code
 * nn.Upsample(scale_factor=(h, w), mode=...)}.
 *
 * <p>Attributes: {@code scale} (two positive integers, height then width), {@code mode} ({@code
 * "nearest"} or {@code "bilinear"}; any other mode is refused with a {@link GraphException}) and,
 * for bilinear only, {@code align_corners}, which must be false (PyTorch's default): the engine's
 * interpolation with aligned corners does not match PyTorch's, so it is refused. Nearest repeats
 * every row and column {@code scale} times; bilinear runs libtorch's {@code upsample_bilinear2d}
 * to the scaled size (with integer factors the same coordinates as PyTorch's {@code
 * scale_factor}). Channels: coupled pass-through
 * along dimension 1. MACs: output elements, as Torch-Pruning counts upsample modules.
 */
@Extension
public final class UpsampleOp implements OpType {

    private static final String BILINEAR = "bilinear";

    /** The mode code of {@code upsample_bilinear2d} in DJL's native interpolate. */
    private static final int LIBTORCH_BILINEAR = 2;

    @Override
    public String name() {
        return "upsample";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireRank(Shapes.requireInputs(in, 1).get(0), 4, "input");
        Attributes a = node.attributes();
        String mode = a.getString("mode");
        if (BILINEAR.equals(mode)) {
            if (a.getBoolean("align_corners")) {
                throw new GraphException("bilinear with align_corners=true is not supported: the"
                        + " engine's interpolation does not match PyTorch's");
            }
        } else if (!"nearest".equals(mode)) {
            throw new GraphException("mode '" + mode
                    + "' is not supported, only 'nearest' and 'bilinear'");
        }
        long[] scale = Shapes.pair(a, "scale");
        if (scale[0] < 1 || scale[1] < 1) {
            throw new GraphException("attribute 'scale' must hold positive integers, found ["
                    + scale[0] + ", " + scale[1] + "]");
        }
        return List.of(new Shape(x.get(0), x.get(1), x.get(2) * scale[0], x.get(3) * scale[1]));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        long[] scale = Shapes.pair(a, "scale");
        NDArray x = inputs.head();
        if (BILINEAR.equals(a.getString("mode"))) {
            long[] size = {x.getShape().get(2) * scale[0], x.getShape().get(3) * scale[1]};
            return new NDList(JniUtils.interpolate((PtNDArray) x, size, LIBTORCH_BILINEAR,
                    false));
        }
        return new NDList(x.repeat(2, scale[0]).repeat(3, scale[1]));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.passThrough(1, Math.toIntExact(node.input().shape().get(1)));
    }

    @Override
    public long macs(Node node) {
        return node.output().shape().size();
    }
}
