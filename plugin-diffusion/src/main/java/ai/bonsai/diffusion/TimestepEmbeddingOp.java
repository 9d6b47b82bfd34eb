package ai.bonsai.diffusion;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code diffusion.timestep_embedding}: diffusers' sinusoidal timestep embedding ({@code
 * Timesteps} / {@code get_timestep_embedding}) of a [B] timestep vector into [B, dim] features.
 *
 * <p>Attributes: {@code dim} (even), {@code flip_sin_to_cos}, {@code freq_shift}, {@code
 * max_period} (10000 in diffusers). With {@code half = dim / 2}, frequency i is {@code
 * exp(-ln(max_period) * i / (half - freq_shift))}; the output is {@code [sin(t f), cos(t f)]}, or
 * {@code [cos, sin]} when flipped. The timesteps may be of any numeric type.
 *
 * <p>No parameters. Channels: opaque (the frequencies are fixed, nothing here can be pruned; the
 * first linear layer after it keeps its input width). MACs: 0, as Torch-Pruning's counter does
 * not count the module.
 */
@Extension
public final class TimestepEmbeddingOp implements OpType {

    /** The registry name. */
    public static final String NAME = "diffusion.timestep_embedding";

    /** Creates the op type (PF4J instantiates it). */
    public TimestepEmbeddingOp() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (in.size() != 1 || in.get(0).dimension() != 1) {
            throw new GraphException("node '" + node.name() + "': expects one [B] timestep input, found "
                    + in);
        }
        long dim = node.attributes().getLong("dim");
        long half = dim / 2;
        if (dim < 2 || dim % 2 != 0 || half == node.attributes().getLong("freq_shift")) {
            throw new GraphException("node '" + node.name() + "': attribute 'dim' " + dim
                    + " must be even, at least 2, and its half differ from freq_shift");
        }
        node.attributes().getBoolean("flip_sin_to_cos");
        node.attributes().getDouble("max_period");
        return List.of(new Shape(in.get(0).get(0), dim));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray t = inputs.head().toType(DataType.FLOAT32, false);
        long half = node.attributes().getLong("dim") / 2;
        double shift = node.attributes().getLong("freq_shift");
        double logPeriod = Math.log(node.attributes().getDouble("max_period"));
        NDArray exponent = t.getManager().arange(0, (int) half, 1, DataType.FLOAT32)
                .mul(-logPeriod).div(half - shift);
        NDArray args = t.reshape(-1, 1).mul(exponent.exp().reshape(1, -1));
        NDArray sin = args.sin();
        NDArray cos = args.cos();
        boolean flip = node.attributes().getBoolean("flip_sin_to_cos");
        return new NDList(flip ? cos.concat(sin, 1) : sin.concat(cos, 1));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.opaque(1, 1);
    }
}
