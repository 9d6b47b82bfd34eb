package ai.bonsai.core.ops;

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
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code embedding}: a lookup table, as PyTorch's {@code nn.Embedding}.
 *
 * <p>Attributes: {@code num_embeddings}, {@code embedding_dim}. Parameter {@code weight} of
 * shape [num_embeddings, embedding_dim], initialized uniformly in [-1, 1] (PyTorch draws from
 * N(0, 1); real tables come from loading a model's weights). The input holds integer indices (any shape; floating
 * point values are truncated to int64); the output has the input's shape plus a last dimension of
 * size {@code embedding_dim}.
 *
 * <p>Channels: the input carries none; the output's channel dimension is its last, of size
 * {@code embedding_dim}, and is prunable on its own (independent, with no input channels):
 * pruning output channels removes columns of {@code weight}. MACs: 0.
 */
@Extension
public final class EmbeddingOp implements OpType {

    @Override
    public String name() {
        return "embedding";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shapes.requireInputs(in, 1);
        return List.of(ParameterSpec.weight("weight",
                new Shape(a.getLong("num_embeddings"), a.getLong("embedding_dim")),
                ParameterSpec.Init.uniformFanIn(1)));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        Attributes a = node.attributes();
        Shape expected = new Shape(a.getLong("num_embeddings"), a.getLong("embedding_dim"));
        Shape weight = node.parameter("weight").shape();
        if (!weight.equals(expected)) {
            throw new GraphException("weight " + weight + " does not match num_embeddings x "
                    + "embedding_dim " + expected);
        }
        return List.of(x.addAll(new Shape(expected.get(1))));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray indices = inputs.head().toType(DataType.INT64, false);
        return Embedding.embedding(indices, node.parameter("weight").array(), SparseFormat.DENSE);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape y = node.output().shape();
        int last = y.dimension() - 1;
        return new ChannelSemantics(Coupling.INDEPENDENT, 0, Math.toIntExact(y.get(last)),
                List.of(ChannelSlot.NONE), List.of(ChannelSlot.at(last)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        editor.removeIndices("weight", 1, idxs);
        editor.setAttribute("embedding_dim",
                editor.node().attributes().getLong("embedding_dim") - idxs.size());
    }
}
