package com.example.bonsai;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelScoring;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code example.channel_scale}: a learnable scale per channel, {@code y[n, c, …] = x[n, c, …] ·
 * scale[c]} (a "layer scale" as ConvNeXt and CaiT use, here over dimension 1 of an NC… tensor).
 *
 * <p>Everything Bonsai needs to know about this custom layer lives here: its parameter, shapes,
 * forward kernel, channel semantics (input and output channels are one coupled space), pruning
 * (remove entries of {@code scale}), cost, and its scoring role: the scale is scored like a
 * norm's affine scale, so magnitude criteria rank this layer's channels with the rest of the
 * group instead of skipping it.
 */
@Extension
public final class ChannelScaleOp implements OpType {

    /** The registry name. */
    public static final String NAME = "example.channel_scale";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ParameterSpec> parameters(Attributes attributes, List<Shape> inputShapes) {
        return List.of(ParameterSpec.weight("scale", new Shape(channels(inputShapes.get(0))),
                ParameterSpec.Init.ONES));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> inputShapes) {
        if (inputShapes.size() != 1) {
            throw new GraphException("node '" + node.name() + "' (" + NAME + ") takes one input, got "
                    + inputShapes.size());
        }
        Shape in = inputShapes.get(0);
        Shape scale = node.parameter("scale").shape();
        if (scale.dimension() != 1 || scale.get(0) != channels(in)) {
            throw new GraphException("node '" + node.name() + "' (" + NAME + "): scale " + scale
                    + " does not match the " + channels(in) + " channels of input " + in);
        }
        return List.of(in);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        long[] broadcast = new long[x.getShape().dimension()];
        Arrays.fill(broadcast, 1L);
        broadcast[1] = x.getShape().get(1);
        return new NDList(x.mul(node.parameter("scale").array().reshape(new Shape(broadcast))));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.passThrough(1, Math.toIntExact(channels(node.input().shape())));
    }

    @Override
    public void pruneOut(NodeEditor node, IndexSet idxs) {
        node.removeIndices("scale", 0, idxs);
    }

    @Override
    public void pruneIn(NodeEditor node, IndexSet idxs) {
        pruneOut(node, idxs);
    }

    @Override
    public long macs(Node node) {
        return node.output().shape().size();
    }

    @Override
    public Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        return Optional.of(new ChannelScoring(ChannelScoring.Kind.LAYER_NORM, "scale",
                Optional.empty(), 0));
    }

    private static long channels(Shape input) {
        if (input.dimension() < 2) {
            throw new GraphException(NAME + " needs an input with a channel dimension 1, got "
                    + input);
        }
        return input.get(1);
    }
}
