package com.example.bonsai;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The ONNX form of {@link ChannelScaleOp}. Written as a standard {@code Mul} of the input and the
 * scale broadcast as {@code [1, C, 1, …]}, so that ONNX Runtime and every other runtime run the
 * exported model without this plugin; read from the custom-domain node {@code
 * com.example::ChannelScale(x, scale)} that the team's own exporter emits.
 */
@Extension
public final class ChannelScaleCodec implements OnnxOpCodec {

    /** The custom-domain ONNX node this codec reads. */
    public static final OnnxOpId CUSTOM_NODE = new OnnxOpId("com.example", "ChannelScale");

    @Override
    public Set<OnnxOpId> imports() {
        return Set.of(CUSTOM_NODE);
    }

    @Override
    public Set<String> exports() {
        return Set.of(ChannelScaleOp.NAME);
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode node, OnnxImportContext context) {
        if (context.constant(1).isEmpty()) {
            return Optional.empty();
        }
        String name = context.nodeName(1);
        context.parameter(name, "scale", 1, new Shape(context.constant(1).get().size()));
        return Optional.of(List.of(context.builder().op(ChannelScaleOp.NAME, name, Attributes.of(),
                context.value(0))));
    }

    @Override
    public void exportNode(Node node, OnnxExportContext context) {
        long[] broadcast = new long[node.input().shape().dimension()];
        Arrays.fill(broadcast, 1L);
        broadcast[1] = node.input().shape().get(1);
        context.emit(OnnxNode.of("", "Mul",
                List.of(context.input(0), context.parameter("scale", broadcast)),
                List.of(context.output(0)), Map.of()));
    }
}
