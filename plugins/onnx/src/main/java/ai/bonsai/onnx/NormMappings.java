package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps the ONNX normalizations: BatchNormalization, LayerNormalization, InstanceNormalization. Each
 * mapping returns false for a configuration Bonsai cannot express (the node is then
 * kept opaque) and throws for a malformed node.
 */
final class NormMappings extends MappingSupport {

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    NormMappings(OnnxImporter ctx) {
        super(ctx);
    }

    /**
     * Maps BatchNormalization in inference mode as {@code batch_norm}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean batchNorm(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        List<Operand.Known> p = new ArrayList<>();
        for (int k = 1; k <= 4; k++) {
            Optional<Operand.Known> c = ctx.known(n, k);
            if (c.isEmpty()) {
                return false;
            }
            p.add(c.get());
        }
        if (!ctx.isDynamic(n, 0) || at.i("training_mode", 0) != 0 || usedOutputs(n) > 1) {
            return false;
        }
        Value x = ctx.value(n, 0);
        if (x.shape().dimension() < 2) {
            return false;
        }
        Shape c = new Shape(x.shape().get(1));
        String name = ctx.name(p.get(0).initializer(), List.of(n));
        String[] locals = {"weight", "bias", "running_mean", "running_var"};
        for (int k = 0; k < 4; k++) {
            ctx.supply(name, locals[k], p.get(k), c);
        }
        single(n, "batch_norm", name, Attributes.of()
                .with("eps", (double) at.f("epsilon", 1e-5f))
                .with("momentum", 1.0 - at.f("momentum", 0.9f))
                .with("affine", true), x);
        return true;
    }

    /**
     * Maps LayerNormalization over the last axis as {@code layer_norm}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean layerNorm(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        Optional<Operand.Known> scale = ctx.known(n, 1);
        if (!ctx.isDynamic(n, 0) || scale.isEmpty() || usedOutputs(n) > 1
                || (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && ctx.known(n, 2).isEmpty())) {
            return false;
        }
        Value x = ctx.value(n, 0);
        long axis = at.i("axis", -1);
        if (axis != -1 && axis != x.shape().dimension() - 1) {
            return false;
        }
        long c = x.shape().get(x.shape().dimension() - 1);
        String name = ctx.name(scale.get().initializer(), List.of(n));
        ctx.supply(name, "weight", scale.get(), new Shape(c));
        Optional<Operand.Known> bias = ctx.known(n, 2);
        if (bias.isPresent()) {
            ctx.supply(name, "bias", bias.get(), new Shape(c));
        } else {
            ctx.supplyArray(name, "bias", b().manager().zeros(new Shape(c)));
        }
        single(n, "layer_norm", name, Attributes.of().with("normalized_shape", new long[] {c})
                .with("eps", (double) at.f("epsilon", 1e-5f)).with("elementwise_affine", true), x);
        return true;
    }

    /**
     * Maps InstanceNormalization as {@code instance_norm}.
     *
     * @param n the node
     * @return true if mapped
     */
    boolean instanceNorm(NodeProto n) {
        Optional<Operand.Known> scale = ctx.known(n, 1);
        Optional<Operand.Known> bias = ctx.known(n, 2);
        if (!ctx.isDynamic(n, 0) || scale.isEmpty() || bias.isEmpty()) {
            return false;
        }
        Value x = ctx.value(n, 0);
        Shape c = new Shape(x.shape().get(1));
        String name = ctx.name(scale.get().initializer(), List.of(n));
        ctx.supply(name, "weight", scale.get(), c);
        ctx.supply(name, "bias", bias.get(), c);
        single(n, "instance_norm", name, Attributes.of()
                .with("eps", (double) new OnnxAttributes(n).f("epsilon", 1e-5f)).with("affine", true), x);
        return true;
    }
}
