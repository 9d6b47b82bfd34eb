package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.onnx.proto.OnnxMl.NodeProto;

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
}
