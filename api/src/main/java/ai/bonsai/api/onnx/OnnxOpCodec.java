package ai.bonsai.api.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * Imports and exports one family of ONNX ops: reading maps ONNX nodes to Bonsai op types, writing
 * maps Bonsai nodes back to ONNX nodes. The ONNX plugin asks the codecs of every plugin (through
 * the host) before its built-in ones, so a plugin jar that contributes an
 * {@link ai.bonsai.api.op.OpType} can contribute its ONNX form next to it, in the default or in a
 * custom domain.
 *
 * <pre>{@code
 * @Extension
 * public final class ScaleCodec implements OnnxOpCodec {
 *     public Set<OnnxOpId> imports() {
 *         return Set.of(new OnnxOpId("com.example", "Scale"));
 *     }
 *     public Set<String> exports() {
 *         return Set.of("example.scale");
 *     }
 *     public Optional<List<Value>> importNode(OnnxNode node, OnnxImportContext c) {
 *         if (c.constant(1).isEmpty()) {
 *             return Optional.empty(); // kept opaque
 *         }
 *         String name = c.nodeName(1);
 *         c.parameter(name, "scale", 1, new Shape(c.constant(1).get().size()));
 *         return Optional.of(List.of(c.builder().op("example.scale", name, Attributes.of(), c.value(0))));
 *     }
 *     public void exportNode(Node node, OnnxExportContext c) {
 *         c.importOpset("com.example", 1);
 *         c.emit(OnnxNode.of("com.example", "Scale", List.of(c.input(0), c.parameter("scale")),
 *                 List.of(c.output(0)), Map.of()));
 *     }
 * }
 * }</pre>
 */
public interface OnnxOpCodec extends ExtensionPoint {

    /**
     * Returns the ONNX operators this codec imports; none by default (an export-only codec, whose
     * op's ONNX form the importer already reads as other ops).
     *
     * @return the operators (possibly none)
     */
    default Set<OnnxOpId> imports() {
        return Set.of();
    }

    /**
     * Returns the Bonsai op types this codec writes.
     *
     * @return the op type names (possibly none)
     */
    Set<String> exports();

    /**
     * Imports one node of an operator from {@link #imports()}. A codec that declines must do so
     * before it adds anything to the builder; the importer then asks the next codec and finally
     * keeps the node as an {@code onnx_opaque} node that blocks pruning through it.
     *
     * @param node the node
     * @param context the import
     * @return the values of the node's outputs in order (outputs past the list must be unused),
     *     or empty to decline a configuration Bonsai cannot express (the default, for codecs that
     *     import nothing)
     * @throws RuntimeException for a malformed node; the importer names the file and the node
     */
    default Optional<List<Value>> importNode(OnnxNode node, OnnxImportContext context) {
        return Optional.empty();
    }

    /**
     * Writes one node of an op type from {@link #exports()} as ONNX nodes that read the node's
     * inputs and produce its outputs.
     *
     * @param node the Bonsai node
     * @param context the export
     * @throws ai.bonsai.api.model.ModelFormatException naming the node when its configuration has
     *     no ONNX form in the target opset
     */
    void exportNode(Node node, OnnxExportContext context);
}
