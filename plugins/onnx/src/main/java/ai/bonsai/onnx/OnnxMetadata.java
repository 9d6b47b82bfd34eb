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
    /**
     * Prefix of a graph input's declared dimensions ({@code onnx.input_dims.input}): one
     * comma-separated entry per dimension, a number for a static size, the {@code dim_param}
     * name for a symbolic one, {@code ?} for an unknown one.
     */
    public static final String INPUT_DIMS_PREFIX = "onnx.input_dims.";
    /** Prefix of graph output k's declared dimensions ({@code onnx.output_dims.0}), as {@link #INPUT_DIMS_PREFIX}. */
    public static final String OUTPUT_DIMS_PREFIX = "onnx.output_dims.";
    /**
     * Prefix of the name a parameter had in the source model ({@code onnx.tensor.l1.weight} gives
     * {@code l1.w}): an initializer, or the output of a {@code Constant} node.
     */
    public static final String TENSOR_NAME_PREFIX = "onnx.tensor.";
    /** Prefix of the {@code Constant} node a parameter came from ({@code onnx.constant_node.conv.weight}). */
    public static final String CONSTANT_NODE_PREFIX = "onnx.constant_node.";
    /** Prefix of an ONNX node's doc string, by original node name ({@code onnx.node_doc./conv1/Conv}). */
    public static final String NODE_DOC_PREFIX = "onnx.node_doc.";
    /** Prefix of a graph input's or output's doc string, by value name. */
    public static final String VALUE_DOC_PREFIX = "onnx.value_doc.";
    /** The source model's doc string. */
    public static final String DOC_STRING = "onnx.doc_string";
    /** The source graph's doc string. */
    public static final String GRAPH_DOC_STRING = "onnx.graph_doc_string";
    /** The source model's {@code domain}. */
    public static final String MODEL_DOMAIN = "onnx.model_domain";
    /** The source model's {@code model_version}. */
    public static final String MODEL_VERSION = "onnx.model_version";
    /** Prefix of a graph input's ONNX element type code ({@code onnx.input_type.input}). */
    public static final String INPUT_TYPE_PREFIX = "onnx.input_type.";
    /** Prefix of graph output k's ONNX element type code ({@code onnx.output_type.0}). */
    public static final String OUTPUT_TYPE_PREFIX = "onnx.output_type.";
    /**
     * Prefix of a node's {@code auto_pad} as read ({@code onnx.auto_pad.conv1} = {@code SAME_UPPER});
     * for the {@code pad} node imported in front of it, the name of that node.
     */
    public static final String AUTO_PAD_PREFIX = "onnx.auto_pad.";
    /** The opaque nodes, one {@code name\tOpType} line each. */
    public static final String OPAQUE_NODES = "onnx.opaque_nodes";

    private OnnxMetadata() {
    }
}
