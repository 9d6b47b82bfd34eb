package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps {@code auto_pad=SAME_UPPER} and {@code SAME_LOWER} of Conv, MaxPool and AveragePool nodes
 * through an import and a write. On import the padding is made explicit for the import's sizes
 * (uneven padding as a {@code pad} node in front), and the node's {@code auto_pad} recorded in the
 * graph metadata ({@link OnnxMetadata#AUTO_PAD_PREFIX}, and for the {@code pad} node the name of
 * the node it pads). On writing, a node whose padding (with that of its {@code pad} node) is still
 * what {@code auto_pad} gives for its input is written with {@code auto_pad} again and without its
 * {@code pad} node, so that the written model pads every input size as the original did; pruning
 * changes channels only, so this holds for every pruned model.
 */
final class AutoPad {

    private static final Set<String> SAME = Set.of("SAME_UPPER", "SAME_LOWER");
    private static final Set<String> OPS = Set.of("conv1d", "conv2d", "conv3d", "max_pool2d", "avg_pool2d");

    private AutoPad() {
    }

    /**
     * Records the {@code auto_pad} of an imported node.
     *
     * @param c the import
     * @param n the ONNX node
     * @param node the Bonsai node's name
     * @param pad the name of the {@code pad} node imported in front of it, or null
     */
    static void record(OnnxImportContext c, OnnxNode n, String node, String pad) {
        String auto = n.stringAttr("auto_pad", "NOTSET");
        if (!SAME.contains(auto)) {
            return;
        }
        c.builder().metadata(OnnxMetadata.AUTO_PAD_PREFIX + node, auto);
        if (pad != null) {
            c.builder().metadata(OnnxMetadata.AUTO_PAD_PREFIX + pad, node);
        }
    }

    /**
     * Tells whether a node is a {@code pad} that its consumer's {@code auto_pad} writes, so that it
     * is not written itself.
     *
     * @param g the graph
     * @param n the node
     * @return true to skip it
     */
    static boolean absorbed(Graph g, Node n) {
        if (!n.op().name().equals("pad") || g.outputs().contains(n.output())) {
            return false;
        }
        String owner = g.metadata().get(OnnxMetadata.AUTO_PAD_PREFIX + n.name());
        List<Node> users = n.output().consumers();
        return owner != null && users.size() == 1 && users.get(0).name().equals(owner) && restorable(g, users.get(0));
    }

    /**
     * Writes {@code auto_pad} on the node just emitted for a Bonsai node, in place of its {@code
     * pads}, reading the input of its absorbed {@code pad} node, when the padding still fits.
     *
     * @param g the graph
     * @param n the Bonsai node
     * @param out the graph being written, its last node emitted for {@code n}
     * @param names the ONNX names of the values
     */
    static void restore(Graph g, Node n, GraphProto.Builder out, Map<Value, String> names) {
        if (!restorable(g, n) || out.getNodeCount() == 0) {
            return;
        }
        NodeProto.Builder last = out.getNodeBuilder(out.getNodeCount() - 1);
        if (!Set.of("Conv", "MaxPool", "AveragePool").contains(last.getOpType())) {
            return;
        }
        List<AttributeProto> kept = last.getAttributeList().stream().filter(a -> !a.getName().equals("pads")).toList();
        last.clearAttribute().addAllAttribute(kept).addAttribute(AttributeProto.newBuilder().setName("auto_pad")
                .setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(g.metadata().get(OnnxMetadata.AUTO_PAD_PREFIX + n.name()))));
        padNode(g, n).ifPresent(p -> last.setInput(0, names.get(p.input())));
    }

    /** Whether a node's padding, with its pad node's, is what its recorded auto_pad gives. */
    private static boolean restorable(Graph g, Node n) {
        String auto = g.metadata().get(OnnxMetadata.AUTO_PAD_PREFIX + n.name());
        if (auto == null || !SAME.contains(auto) || !OPS.contains(n.op().name())) {
            return false;
        }
        Attributes a = n.attributes();
        boolean conv = n.op().name().startsWith("conv");
        if (!conv && a.getBoolean("ceil_mode")) {
            return false;
        }
        Optional<Node> pad = padNode(g, n);
        Value x = pad.map(Node::input).orElse(n.input());
        long[] padding = a.getLongs("padding");
        int rank = padding.length;
        long[] actual = new long[2 * rank];
        long[] extra = pad.map(p -> p.attributes().getLongs("pads")).orElse(new long[0]);
        for (int d = 0; d < rank; d++) {
            int fromLast = rank - 1 - d;
            actual[d] = padding[d] + (2 * fromLast < extra.length ? extra[2 * fromLast] : 0);
            actual[d + rank] = padding[d] + (2 * fromLast + 1 < extra.length ? extra[2 * fromLast + 1] : 0);
        }
        long[] dilation = conv ? a.getLongs("dilation") : filled(rank, 1);
        long[] expected = Padding.of(OnnxNode.of("", "Conv", List.of(), List.of(), Map.of("auto_pad", auto)),
                x.shape(), a.getLongs("kernel"), a.getLongs("stride"), dilation);
        return Arrays.equals(actual, expected);
    }

    /** The {@code pad} node imported in front of a node for its auto_pad, with the fill it needs. */
    private static Optional<Node> padNode(Graph g, Node n) {
        double fill = n.op().name().equals("max_pool2d") ? Double.NEGATIVE_INFINITY : 0;
        return n.input().producer().filter(p -> p.op().name().equals("pad")
                && n.name().equals(g.metadata().get(OnnxMetadata.AUTO_PAD_PREFIX + p.name()))
                && p.attributes().getDouble("value") == fill && p.output().consumers().size() == 1
                && !g.outputs().contains(p.output()));
    }

    private static long[] filled(int rank, long v) {
        long[] a = new long[rank];
        Arrays.fill(a, v);
        return a;
    }
}
