package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;

/**
 * What every family of op mappings shares: the import it works on and the helpers that read
 * operands and add single-output nodes.
 */
abstract class MappingSupport {

    /** The import. */
    final OnnxImporter ctx;

    /**
     * Creates the mappings of one import.
     *
     * @param ctx the import
     */
    MappingSupport(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /**
     * Returns the builder.
     *
     * @return the builder
     */
    final GraphBuilder b() {
        return ctx.builder();
    }

    /**
     * Adds a single-output node and binds the ONNX node's output to it.
     *
     * @param n the ONNX node
     * @param opType the Bonsai op type
     * @param name the Bonsai node name
     * @param a the attributes
     * @param in the inputs
     * @return the output
     */
    final Value single(NodeProto n, String opType, String name, Attributes a, Value... in) {
        Value out = b().op(opType, name, a, in);
        ctx.define(n.getOutput(0), out);
        return out;
    }

    /**
     * Returns a node's axes, from its attribute or (newer opsets) a constant input.
     *
     * @param n the node
     * @param input the slot of the axes input
     * @return the axes, or empty
     */
    final Optional<long[]> axes(NodeProto n, int input) {
        OnnxAttributes at = new OnnxAttributes(n);
        if (at.has("axes")) {
            return at.ints("axes");
        }
        return ctx.known(n, input).map(Operand.Known::longs);
    }
}
