package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * 2-D convolution, NCHW, weight {@code [out, in/groups, kh, kw]}.
 *
 * <p>Attributes: {@code out_channels}, {@code kernel}, {@code stride}, {@code padding}, {@code
 * dilation} (pairs), {@code groups}, {@code bias}. Channels: input and output are independent,
 * except for a depthwise conv ({@code groups == in == out > 1}) whose channels are coupled and
 * whose {@code groups} shrinks with them. Other grouped convs block channel pruning.
 */
@Extension
public final class Conv2dOp implements OpType {

    @Override
    public String name() {
        return "conv2d";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        long inChannels = Shapes.requireRank(in.get(0), 4, "input").get(1);
        long groups = a.getLong("groups");
        long out = a.getLong("out_channels");
        long[] k = a.getLongs("kernel");
        if (inChannels % groups != 0 || out % groups != 0) {
            throw new GraphException("groups " + groups + " must divide input channels "
                    + inChannels + " and output channels " + out);
        }
        long fanIn = inChannels / groups * k[0] * k[1];
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(ParameterSpec.weight("weight", new Shape(out, inChannels / groups, k[0], k[1]),
                ParameterSpec.Init.uniformFanIn(fanIn)));
        if (a.getBoolean("bias")) {
            specs.add(ParameterSpec.weight("bias", new Shape(out), ParameterSpec.Init.uniformFanIn(fanIn)));
        }
        return specs;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireRank(in.get(0), 4, "input");
        Shape w = node.parameter("weight").shape();
        long groups = node.attributes().getLong("groups");
        if (w.get(1) * groups != x.get(1)) {
            throw new GraphException("input has " + x.get(1) + " channels, weight " + w
                    + " with groups " + groups + " expects " + w.get(1) * groups);
        }
        long[] s = node.attributes().getLongs("stride");
        long[] p = node.attributes().getLongs("padding");
        long[] d = node.attributes().getLongs("dilation");
        long h = Shapes.convOut(x.get(2), w.get(2), s[0], p[0], d[0]);
        long wd = Shapes.convOut(x.get(3), w.get(3), s[1], p[1], d[1]);
        return List.of(new Shape(x.get(0), w.get(0), h, wd));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        NDArray x = inputs.head();
        NDArray bias = node.hasParameter("bias") ? node.parameter("bias").array() : null;
        return x.getNDArrayInternal().convolution(x, node.parameter("weight").array(), bias,
                new Shape(a.getLongs("stride")), new Shape(a.getLongs("padding")),
                new Shape(a.getLongs("dilation")), a.getInt("groups"));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int in = (int) node.input().shape().get(1);
        int out = (int) node.output().shape().get(1);
        long groups = node.attributes().getLong("groups");
        if (groups == 1) {
            return ChannelSemantics.independent(1, in, 1, out);
        }
        if (isDepthwise(node)) {
            return ChannelSemantics.passThrough(1, out);
        }
        return ChannelSemantics.opaque(1, 1);
    }

    /**
     * Tells whether a conv node is depthwise: {@code groups == in_channels == out_channels > 1}.
     *
     * @param node a conv2d node
     * @return true if depthwise
     */
    public static boolean isDepthwise(Node node) {
        long groups = node.attributes().getLong("groups");
        return groups > 1 && groups == node.input().shape().get(1)
                && groups == node.parameter("weight").shape().get(0);
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        boolean depthwise = isDepthwise(node);
        editor.removeIndices("weight", 0, idxs);
        if (node.hasParameter("bias")) {
            editor.removeIndices("bias", 0, idxs);
        }
        editor.setAttribute("out_channels", node.parameter("weight").shape().get(0));
        if (depthwise) {
            editor.setAttribute("groups", node.parameter("weight").shape().get(0));
        }
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        if (isDepthwise(editor.node())) {
            pruneOut(editor, idxs);
        } else {
            editor.removeIndices("weight", 1, idxs);
        }
    }

    @Override
    public long macs(Node node) {
        Shape w = node.parameter("weight").shape();
        Shape out = node.output().shape();
        long positions = out.get(0) * out.get(2) * out.get(3);
        long inChannels = node.input().shape().get(1);
        long groups = node.attributes().getLong("groups");
        long macs = w.get(2) * w.get(3) * inChannels * (w.get(0) / groups) * positions;
        if (node.hasParameter("bias")) {
            macs += w.get(0) * positions;
        }
        return macs;
    }
}
