package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code onnx_resize}: ONNX {@code Resize} of the spatial dimensions of an N x C x spatial tensor
 * to any size, by non-integer scales or explicit sizes (integer factors map to core's {@code
 * upsample}), as ONNX Runtime computes it.
 *
 * <p>Attributes: {@code mode} ({@code nearest} or {@code linear}), {@code
 * coordinate_transformation_mode} ({@code half_pixel}, {@code pytorch_half_pixel}, {@code
 * align_corners}, {@code asymmetric} or {@code tf_half_pixel_for_nn}), {@code nearest_mode}
 * ({@code round_prefer_floor}, {@code round_prefer_ceil}, {@code floor} or {@code ceil}), {@code
 * output_size} (one length per spatial dimension), {@code scales} (the comma-separated float
 * factor of each spatial dimension the coordinates use: the model's scales, or output over input
 * length when it gave sizes) and {@code by_sizes} (whether the model gave sizes, so that the
 * written model keeps the output size). Nearest picks one input position per output position;
 * linear interpolates between two along each spatial dimension in turn (separable, as bilinear
 * and trilinear are), with the source coordinate clamped to the input. Channels: coupled
 * pass-through along dimension 1. MACs: output elements, as Torch-Pruning counts upsample modules.
 */
@Extension
public final class OnnxResizeOp implements OpType {

    /** The registry name. */
    public static final String NAME = "onnx_resize";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> inputShapes) {
        Shape x = inputShapes.get(0);
        long[] size = node.attributes().getLongs("output_size");
        if (x.dimension() != size.length + 2) {
            throw new GraphException("node '" + node.name() + "': input " + x + " has not "
                    + size.length + " spatial dimensions");
        }
        long[] out = x.getShape().clone();
        System.arraycopy(size, 0, out, 2, size.length);
        return List.of(new Shape(out));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        long[] size = a.getLongs("output_size");
        float[] scales = scales(a);
        boolean linear = a.getString("mode").equals("linear");
        NDArray y = inputs.head();
        for (int d = 0; d < size.length; d++) {
            int axis = d + 2;
            long in = y.getShape().get(axis);
            Axis map = Axis.of(a, in, size[d], scales[d], linear);
            NDArray first = take(y, axis, map.first, context);
            if (!linear) {
                y = first;
                continue;
            }
            NDArray second = take(y, axis, map.second, context);
            long[] weightShape = new long[y.getShape().dimension() - axis];
            Arrays.fill(weightShape, 1);
            weightShape[0] = size[d];
            NDArray w = context.manager().create(map.weight, new Shape(weightShape)).toType(y.getDataType(), false);
            y = first.add(second.sub(first).mul(w));
        }
        return new NDList(y);
    }

    private static NDArray take(NDArray x, int axis, long[] index, ForwardContext context) {
        return x.get(new NDIndex(":, ".repeat(axis) + "{}", context.manager().create(index)));
    }

    /**
     * Reads the {@code scales} attribute.
     *
     * @param a the attributes
     * @return one factor per spatial dimension
     */
    static float[] scales(Attributes a) {
        String[] parts = a.getString("scales").split(",");
        float[] s = new float[parts.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Float.parseFloat(parts[i]);
        }
        return s;
    }

    /**
     * Formats the {@code scales} attribute.
     *
     * @param scales one factor per spatial dimension
     * @return the comma-separated factors
     */
    static String scales(float[] scales) {
        StringBuilder sb = new StringBuilder();
        for (float f : scales) {
            sb.append(sb.length() == 0 ? "" : ",").append(f);
        }
        return sb.toString();
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.passThrough(1, Math.toIntExact(node.input().shape().get(1)));
    }

    @Override
    public long macs(Node node) {
        return node.output().shape().size();
    }

    /**
     * The input positions and weights of one spatial dimension: output position i reads
     * {@code first[i]}, and for linear mode also {@code second[i]} with weight {@code weight[i]}.
     */
    private record Axis(long[] first, long[] second, float[] weight) {

        static Axis of(Attributes a, long in, long out, float scale, boolean linear) {
            String transform = a.getString("coordinate_transformation_mode");
            String nearest = a.getString("nearest_mode");
            long[] first = new long[Math.toIntExact(out)];
            long[] second = new long[first.length];
            float[] weight = new float[first.length];
            for (int i = 0; i < first.length; i++) {
                float x = source(transform, i, in, out, scale);
                if (!linear) {
                    first[i] = clamp(round(nearest, x), in);
                    continue;
                }
                float clamped = Math.max(0f, Math.min(x, in - 1));
                first[i] = Math.min((long) clamped, in - 1);
                second[i] = Math.min(first[i] + 1, in - 1);
                weight[i] = first[i] == second[i] ? 0f : clamped - first[i];
            }
            return new Axis(first, second, weight);
        }

        /** The source coordinate of output position i, in float as ONNX Runtime computes it. */
        private static float source(String transform, int i, long in, long out, float scale) {
            return switch (transform) {
                case "asymmetric" -> i / scale;
                case "pytorch_half_pixel" -> out > 1 ? (i + 0.5f) / scale - 0.5f : 0f;
                case "align_corners" -> out == 1 ? 0f : i * (float) (in - 1) / (out - 1);
                case "tf_half_pixel_for_nn" -> (i + 0.5f) / scale;
                default -> (i + 0.5f) / scale - 0.5f;
            };
        }

        private static long round(String mode, float x) {
            return switch (mode) {
                case "floor" -> (long) Math.floor(x);
                case "ceil" -> (long) Math.ceil(x);
                case "round_prefer_ceil" -> Math.round(x);
                default -> x == Math.floor(x) + 0.5f ? (long) Math.floor(x) : Math.round(x);
            };
        }

        private static long clamp(long i, long in) {
            return Math.max(0, Math.min(in - 1, i));
        }
    }
}
