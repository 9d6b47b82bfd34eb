package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code onnx_relative_position_bias}: Swin's relative position bias, {@code
 * table[index].view(N, N, H).permute(2, 0, 1).unsqueeze(0)}, as exporters write it ({@code Gather}
 * of the [(2w−1)², H] table by a constant index, {@code Reshape [N, N, H]}, {@code Transpose (2, 0,
 * 1)}, {@code Unsqueeze 0}) and {@link SwinAttentionPattern} imports it. The node has no inputs;
 * its parameter {@code table} is written back under its initializer's name.
 *
 * <p>Attributes: {@code shape}, the table's [(2w−1)², H]; {@code index}, the N·N rows of the table
 * the bias reads, row-major over (query, key); {@code tokens}, N. Output [1, H, N, N], added to the
 * attention scores (core {@code attention}'s mask, whose head channels it carries).
 *
 * <p>Channels: the heads, output dimension 1, which are the table's dimension 1; independent like
 * a parameter: pruning removes the heads' columns of the table. MACs: 0.
 */
@Extension
public final class OnnxRelativePositionBiasOp implements OpType {

    /** The registry name. */
    public static final String NAME = "onnx_relative_position_bias";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shape table = new Shape(a.getLongs("shape"));
        return List.of(ParameterSpec.weight("table", table, ParameterSpec.Init.uniformFanIn(table.get(0))));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (!in.isEmpty()) {
            throw new GraphException("takes no inputs, found " + in.size());
        }
        Attributes a = node.attributes();
        Shape table = node.parameter("table").shape();
        long tokens = a.getLong("tokens");
        long[] index = a.getLongs("index");
        if (table.dimension() != 2 || !Arrays.equals(table.getShape(), a.getLongs("shape"))) {
            throw new GraphException("table " + table + " must be 2-D and match attribute shape "
                    + Arrays.toString(a.getLongs("shape")));
        }
        if (index.length != tokens * tokens || Arrays.stream(index).anyMatch(i -> i < 0 || i >= table.get(0))) {
            throw new GraphException("index must hold " + tokens + "² rows of the table " + table
                    + ", found " + index.length + " entries");
        }
        return List.of(new Shape(1, table.get(1), tokens, tokens));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Looks the rows up as an embedding, so that gradients reach the table.
     */
    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        NDArray table = node.parameter("table").array();
        long tokens = a.getLong("tokens");
        NDArray index = context.manager().create(a.getLongs("index")).toType(DataType.INT64, false);
        NDArray rows = Embedding.embedding(index, table, SparseFormat.DENSE).head();
        return new NDList(rows.reshape(tokens, tokens, table.getShape().get(1)).transpose(2, 0, 1)
                .expandDims(0));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int heads = Math.toIntExact(node.parameter("table").shape().get(1));
        return new ChannelSemantics(Coupling.INDEPENDENT, 0, heads, List.of(), List.of(ChannelSlot.at(1)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        long[] shape = editor.node().attributes().getLongs("shape");
        editor.removeIndices("table", 1, idxs);
        shape[1] -= idxs.size();
        editor.setAttribute("shape", shape);
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }
}
