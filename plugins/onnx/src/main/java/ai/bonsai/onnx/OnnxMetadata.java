package ai.bonsai.onnx;

/**
 * The graph metadata keys the ONNX reader writes and the writer reads back ({@link
 * ai.bonsai.api.graph.Graph#metadata()}).
 *
 * <p>{@link #OPAQUE_NODES} is the public query for the nodes Bonsai keeps opaque: one line per
 * node, {@code <bonsai node name>\t<ONNX op type>}, empty when every op was mapped. The same nodes
 * have op type {@code onnx_opaque} and attribute {@code onnx_op_type}.
 */
public final class OnnxMetadata {

    /** The source model's IR version. */
    public static final String IR_VERSION = "onnx.ir_version";
    /** The source model's default-domain opset, written back. */
    public static final String OPSET = "onnx.opset";
    /** Prefix of the opset a custom domain is imported with ({@code onnx.domain_opset.com.example}). */
    public static final String DOMAIN_OPSET_PREFIX = "onnx.domain_opset.";
    /** The source model's producer name. */
    public static final String PRODUCER_NAME = "onnx.producer_name";
    /** The source model's producer version. */
    public static final String PRODUCER_VERSION = "onnx.producer_version";
    /** The source graph's name. */
    public static final String GRAPH_NAME = "onnx.graph_name";
    /** The source file's SHA-256 (hex). */
    public static final String SOURCE_SHA256 = "onnx.source_sha256";
    /** The source file's name. */
    public static final String SOURCE_FILE = "onnx.source_file";
    /** Prefix of the source model's {@code metadata_props}, written back unchanged. */
    public static final String PROPS_PREFIX = "onnx.props.";
    /** Prefix of a Bonsai node's original ONNX node names (newline-separated, in order). */
    public static final String NODE_NAMES_PREFIX = "onnx.node.";
    /** Prefix of the original name of graph output k ({@code onnx.output.0}). */
    public static final String OUTPUT_PREFIX = "onnx.output.";
    /** Prefix of a graph input's symbolic first dimension ({@code onnx.input_dim0.input}). */
    public static final String INPUT_DIM0_PREFIX = "onnx.input_dim0.";
    /** Prefix of a graph input's ONNX element type code ({@code onnx.input_type.input}). */
    public static final String INPUT_TYPE_PREFIX = "onnx.input_type.";
    /** Prefix of graph output k's ONNX element type code ({@code onnx.output_type.0}). */
    public static final String OUTPUT_TYPE_PREFIX = "onnx.output_type.";
    /** The opaque nodes, one {@code name\tOpType} line each. */
    public static final String OPAQUE_NODES = "onnx.opaque_nodes";

    private OnnxMetadata() {
    }
}
