package ai.bonsai.core.ops;

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
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Batch normalization over dimension 1 of an (N, C) or (N, C, ...) input, as PyTorch's {@code
 * nn.BatchNorm1d/2d/3d}.
 *
 * <p>Attributes: {@code eps}, {@code momentum} (PyTorch's convention: {@code running = (1 -
 * momentum) * running + momentum * batch}), {@code affine}. Parameters, named as in a PyTorch
 * state_dict: {@code weight} and {@code bias} when affine; buffers {@code running_mean}, {@code
 * running_var} and the int64 scalar {@code num_batches_tracked}.
 *
 * <p>Evaluation normalizes with the running statistics. Training normalizes with the batch
 * statistics, updates {@code running_mean} and {@code running_var} (unbiased batch variance) in
 * place and increments {@code num_batches_tracked}, exactly as PyTorch does. Channels: coupled
 * pass-through along dimension 1. MACs: 2 x input elements when affine, else input elements.
 */
@Extension
public final class BatchNormOp implements OpType {

    private static final String[] PER_CHANNEL = {"weight", "bias", "running_mean", "running_var"};

    @Override
    public String name() {
        return "batch_norm";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 2, "input");
        Shape channels = new Shape(x.get(1));
        List<ParameterSpec> specs = new ArrayList<>(Norms.affine(a.getBoolean("affine"), channels));
        specs.add(ParameterSpec.buffer("running_mean", channels, DataType.FLOAT32,
                ParameterSpec.Init.ZEROS));
        specs.add(ParameterSpec.buffer("running_var", channels, DataType.FLOAT32,
                ParameterSpec.Init.ONES));
        specs.add(ParameterSpec.buffer("num_batches_tracked", new Shape(), DataType.INT64,
                ParameterSpec.Init.ZEROS));
        return specs;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 2, "input");
        for (String p : PER_CHANNEL) {
            if (node.hasParameter(p) && node.parameter(p).shape().get(0) != x.get(1)) {
                throw new GraphException("input " + x + " has " + x.get(1) + " channels, " + p
                        + " has " + node.parameter(p).shape().get(0));
            }
        }
        return List.of(x);
    }

    /**
     * {@inheritDoc}
     *
     * <p>DJL's {@code BatchNorm.batchNorm} takes MXNet's momentum (the weight of the running
     * statistic) and hands {@code 1 - momentum} to {@code torch::batch_norm}, so PyTorch's
     * momentum {@code m} is passed as {@code 1 - m}.
     */
    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        NDArray x = inputs.head();
        NDArray gamma;
        NDArray beta;
        if (node.hasParameter("weight")) {
            gamma = node.parameter("weight").array();
            beta = node.parameter("bias").array();
        } else {
            Shape channels = new Shape(x.getShape().get(1));
            gamma = context.manager().ones(channels, x.getDataType());
            beta = context.manager().zeros(channels, x.getDataType());
        }
        boolean training = context.training();
        NDList out = BatchNorm.batchNorm(x, node.parameter("running_mean").array(),
                node.parameter("running_var").array(), gamma, beta, 1,
                (float) (1 - a.getDouble("momentum")), (float) a.getDouble("eps"), training);
        if (training) {
            node.parameter("num_batches_tracked").array().addi(1);
        }
        return out;
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.passThrough(1, Math.toIntExact(node.input().shape().get(1)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        for (String p : PER_CHANNEL) {
            if (editor.node().hasParameter(p)) {
                editor.removeIndices(p, 0, idxs);
            }
        }
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    @Override
    public long macs(Node node) {
        return Norms.macs(node);
    }

    /** The affine scale, when the norm has one. */
    @Override
    public Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        return Norms.scoring(node, handle, ChannelScoring.Kind.BATCH_NORM);
    }
}
