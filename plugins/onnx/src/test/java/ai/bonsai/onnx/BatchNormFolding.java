package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the Conv+BN-fused variant of a graph, as PyTorch's exporter writes it in eval mode: each
 * batch norm that directly follows a conv is folded into the conv's weight and bias.
 */
final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /**
     * Returns a new graph with every conv-then-batch-norm pair fused into one conv with bias, and
     * the source graph's metadata.
     *
     * @param g the source graph
     * @return the fused graph
     */
    static Graph fold(Graph g) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder(g.name() + "_fused", 0);
        g.metadata().forEach(b::metadata);
        Map<Value, Value> map = new HashMap<>();
        for (Value in : g.inputs()) {
            map.put(in, b.input(in.name(), in.shape()));
        }
        for (Node n : g.nodes()) {
            if (n.op().name().equals("batch_norm") && isConv(n.input())) {
                map.put(n.output(), map.get(n.input()));
                continue;
            }
            Attributes a = n.attributes();
            Node bn = followingBatchNorm(n);
            if (bn != null) {
                fuse(b, n, bn);
                a = a.with("bias", true);
            } else {
                for (Parameter p : n.parameters().values()) {
                    b.parameterValue(p.name(), p.array().duplicate());
                }
            }
            Value[] ins = n.inputs().stream().map(map::get).toArray(Value[]::new);
            List<Value> outs = b.node(n.op().name(), n.name(), a, ins);
            for (int k = 0; k < outs.size(); k++) {
                map.put(n.outputs().get(k), outs.get(k));
            }
        }
        b.output(g.outputs().stream().map(map::get).toArray(Value[]::new));
        return b.build();
    }

    private static boolean isConv(Value v) {
        return v.producer().map(p -> p.op().name().equals("conv2d")).orElse(false)
                && v.consumers().size() == 1;
    }

    private static Node followingBatchNorm(Node n) {
        if (!n.op().name().equals("conv2d") || n.output().consumers().size() != 1) {
            return null;
        }
        Node next = n.output().consumers().get(0);
        return next.op().name().equals("batch_norm") ? next : null;
    }

    private static void fuse(GraphBuilder b, Node conv, Node bn) {
        NDArray std = bn.parameter("running_var").array()
                .add(bn.attributes().getDouble("eps")).sqrt();
        NDArray scale = bn.parameter("weight").array().div(std);
        NDArray w = conv.parameter("weight").array();
        long out = w.getShape().get(0);
        NDArray fusedW = w.mul(scale.reshape(new Shape(out, 1, 1, 1)));
        NDArray bias = conv.hasParameter("bias") ? conv.parameter("bias").array()
                : b.manager().zeros(new Shape(out));
        NDArray fusedB = bias.sub(bn.parameter("running_mean").array()).mul(scale)
                .add(bn.parameter("bias").array());
        fusedW.attach(b.manager());
        fusedB.attach(b.manager());
        b.parameterValue(conv.name() + ".weight", fusedW);
        b.parameterValue(conv.name() + ".bias", fusedB);
    }
}
