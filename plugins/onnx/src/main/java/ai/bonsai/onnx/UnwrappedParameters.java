package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Imports the float initializers a model uses directly as tensors — a class token concatenated to
 * the patch tokens, position embeddings added to them, a layer scale multiplied into a block's
 * output — as core's {@code parameter} nodes (Torch-Pruning's unwrapped parameters), so that the
 * channels they share with the computed operand are pruned with it instead of blocking it.
 *
 * <p>An initializer qualifies when an {@code Add}, {@code Sub}, {@code Mul}, {@code Div} or
 * {@code Concat} meets it with a computed value that has a channel dimension, and the initializer,
 * aligned as broadcasting aligns it (or as concatenation does, along another axis), has the same
 * length there; the parameter node is named after the initializer, which is its parameter's name.
 * Anything else stays an {@code onnx_constant}.
 */
final class UnwrappedParameters {

    private static final Set<String> CONSUMERS = Set.of("Add", "Sub", "Mul", "Div", "Concat");

    private final OnnxImporter ctx;
    private final Map<NDArray, Value> nodes = new IdentityHashMap<>();

    /**
     * Creates the unwrapped parameters of one import.
     *
     * @param ctx the import
     */
    UnwrappedParameters(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /**
     * Returns the parameter node of a constant operand, adding it on first use, when it qualifies.
     *
     * @param consumer the node reading the constant
     * @param known the constant
     * @return the parameter's value, or empty to keep the constant an {@code onnx_constant}
     */
    Optional<Value> of(NodeProto consumer, Operand.Known known) {
        Value existing = nodes.get(known.array());
        if (existing != null) {
            return Optional.of(existing);
        }
        NDArray a = known.array();
        String name = known.initializer();
        if (name == null || name.isEmpty() || a.getDataType() != DataType.FLOAT32 || a.size() < 2
                || !CONSUMERS.contains(consumer.getOpType()) || !consumer.getDomain().isEmpty()) {
            return Optional.empty();
        }
        int dim = channelDim(consumer, a.getShape());
        if (dim < 0) {
            return Optional.empty();
        }
        String node = ctx.allocateName(name);
        ctx.builder().parameterValue(node, ctx.owned(known));
        Value v = ctx.builder().op("parameter", node, Attributes.of()
                .with("shape", a.getShape().getShape()).with("channel_dim", (long) dim));
        nodes.put(a, v);
        return Optional.of(v);
    }

    /** The parameter's dimension aligned with the channel dimension of the consumer's computed operand, or -1. */
    private int channelDim(NodeProto consumer, Shape p) {
        boolean concat = consumer.getOpType().equals("Concat");
        for (int k = 0; k < consumer.getInputCount(); k++) {
            if (!ctx.isDynamic(consumer, k)) {
                continue;
            }
            Value v = ctx.value(consumer, k);
            int c = v.channelDim();
            if (c < 0) {
                continue;
            }
            int aligned = c - (v.shape().dimension() - p.dimension());
            if (concat && (p.dimension() != v.shape().dimension()
                    || axis(consumer, p.dimension()) == c)) {
                return -1;
            }
            return aligned >= 0 && p.get(aligned) == v.shape().get(c) && p.get(aligned) > 1 ? aligned : -1;
        }
        return -1;
    }

    private static long axis(NodeProto concat, int rank) {
        long axis = new OnnxAttributes(concat).i("axis", 0);
        return axis < 0 ? axis + rank : axis;
    }
}
