package ai.bonsai.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts the nodes of models of opsets 7 to 10 whose form changed by opset 11 into their opset-11
 * form, so that folding, codecs and shape rules see one form: Pad, Clip and (before opset 10)
 * Slice take their attributes as constant inputs; Upsample and Resize-10 become Resize with
 * asymmetric coordinates (floor for nearest upsampling, ceil for downsampling, as ONNX Runtime
 * runs them); BatchNormalization loses {@code spatial=1} (its default). Each converted node
 * remembers its original, which is what an opaque node writes back.
 */
final class OpsetConverter {

    /** The opset whose forms the converted nodes have. */
    static final long TARGET = 11;

    /**
     * The converted graph.
     *
     * @param nodes the nodes, in order, converted where needed
     * @param constants the constants that converted nodes read (former attributes)
     * @param originals the original of each converted node
     */
    record Converted(List<NodeProto> nodes, List<TensorProto> constants, Map<NodeProto, NodeProto> originals) {
    }

    private final List<TensorProto> constants = new ArrayList<>();
    private final Map<NodeProto, NodeProto> originals = new IdentityHashMap<>();
    private final long opset;

    private OpsetConverter(long opset) {
        this.opset = opset;
    }

    /**
     * Converts a graph's nodes.
     *
     * @param graph the graph
     * @param opset the model's default-domain opset
     * @return the nodes (the graph's own from opset 11 on)
     */
    static Converted convert(GraphProto graph, long opset) {
        if (opset >= TARGET) {
            return new Converted(graph.getNodeList(), List.of(), Map.of());
        }
        OpsetConverter c = new OpsetConverter(opset);
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : graph.getNodeList()) {
            NodeProto converted = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx") ? c.convert(n) : n;
            if (converted != n) {
                c.originals.put(converted, n);
            }
            nodes.add(converted);
        }
        return new Converted(nodes, List.copyOf(c.constants), c.originals);
    }

    private NodeProto convert(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        return switch (n.getOpType()) {
            case "Pad" -> at.ints("pads").map(pads -> rebuild(n, List.of("mode"), input(n, 0),
                    constant(n, "pads", TensorEncoder.longs("", pads)),
                    constant(n, "value", TensorEncoder.floats("", new long[0], at.f("value", 0f))))).orElse(n);
            case "Clip" -> rebuild(n, List.of(), input(n, 0),
                    at.has("min") ? constant(n, "min", TensorEncoder.floats("", new long[0], at.f("min", 0f))) : "",
                    at.has("max") ? constant(n, "max", TensorEncoder.floats("", new long[0], at.f("max", 0f))) : "");
            case "Slice" -> opset >= 10 || !at.has("starts") ? n : rebuild(n, List.of(), input(n, 0),
                    constant(n, "starts", TensorEncoder.longs("", at.ints("starts").orElseThrow())),
                    constant(n, "ends", TensorEncoder.longs("", at.ints("ends").orElseThrow())),
                    at.ints("axes").map(a -> constant(n, "axes", TensorEncoder.longs("", a))).orElse(""));
            case "Upsample", "Resize" -> resize(n, at).orElse(n);
            case "BatchNormalization" -> at.i("spatial", 1) == 1 && at.has("spatial")
                    ? rebuild(n, List.of("epsilon", "momentum"), n.getInputList().toArray(String[]::new)) : n;
            default -> n;
        };
    }

    /** Upsample-7 (attribute scales), Upsample-9 and Resize-10 (scales input) as Resize-11. */
    private Optional<NodeProto> resize(NodeProto n, OnnxAttributes at) {
        String scales;
        Optional<float[]> known = at.floats("scales");
        if (known.isPresent()) {
            scales = constant(n, "scales", TensorEncoder.floats("", new long[] {known.get().length}, known.get()));
        } else if (n.getInputCount() > 1) {
            scales = n.getInput(1);
        } else {
            return Optional.empty();
        }
        String mode = at.s("mode", "nearest");
        boolean downsampling = known.isPresent() && allBelowOne(known.get());
        NodeProto.Builder b = NodeProto.newBuilder(n).setOpType("Resize").clearInput().clearAttribute()
                .addInput(input(n, 0)).addInput("").addInput(scales)
                .addAttribute(string("mode", mode.equals("bilinear") ? "linear" : mode))
                .addAttribute(string("coordinate_transformation_mode", "asymmetric"))
                .addAttribute(string("nearest_mode", downsampling ? "ceil" : "floor"));
        return Optional.of(b.build());
    }

    private static boolean allBelowOne(float[] scales) {
        boolean any = false;
        for (float s : scales) {
            if (s > 1) {
                return false;
            }
            any |= s < 1;
        }
        return any;
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    private static String input(NodeProto n, int k) {
        return k < n.getInputCount() ? n.getInput(k) : "";
    }

    /** Adds a constant that a converted node reads, named after the node's first output. */
    private String constant(NodeProto n, String what, TensorProto value) {
        String name = "bonsai::" + n.getOutput(0) + "::" + what;
        constants.add(value.toBuilder().setName(name).build());
        return name;
    }

    /** The node with new inputs, keeping only the named attributes. */
    private static NodeProto rebuild(NodeProto n, List<String> kept, String... inputs) {
        NodeProto.Builder b = n.toBuilder().clearInput().clearAttribute();
        int last = inputs.length;
        while (last > 1 && inputs[last - 1].isEmpty()) {
            last--;
        }
        for (int k = 0; k < last; k++) {
            b.addInput(inputs[k]);
        }
        for (AttributeProto a : n.getAttributeList()) {
            if (kept.contains(a.getName())) {
                b.addAttribute(a);
            }
        }
        return b.build();
    }
}
