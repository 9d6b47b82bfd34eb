package ai.bonsai.llm;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Builds the graph of a decoder-only model from its config, with Hugging Face tensor names:
 * token embedding → N × [RMSNorm → q/k/v projections (→ Qwen3's per-head q/k RMSNorm) → rotary
 * embeddings → causal grouped-query attention → o_proj → residual → RMSNorm → SwiGLU MLP →
 * residual] → RMSNorm → lm_head (tied to the embedding table or not).
 *
 * <p>Node names: the embedding table is the {@code parameter} node {@code
 * model.embed_tokens.weight}, looked up by {@code model.embed_tokens}; in layer N ({@code
 * model.layers.N.}) {@code input_layernorm}, {@code self_attn.q_proj}/{@code k_proj}/{@code
 * v_proj}, {@code self_attn.q_norm}/{@code k_norm}, {@code self_attn.q_rotary}/{@code k_rotary},
 * {@code self_attn.attention}, {@code self_attn.o_proj}, {@code attn_residual}, {@code
 * post_attention_layernorm}, {@code mlp.gate_proj}, {@code mlp.act_fn}, {@code mlp.up_proj},
 * {@code mlp.mul}, {@code mlp.down_proj}, {@code mlp_residual}; then {@code model.norm} and {@code
 * lm_head}; with Mistral's {@code sliding_window}, {@code model.sliding_window_mask} feeds every
 * attention. The graph input is {@code input_ids} [B, T]; the output the logits [B, T, vocab].
 *
 * <p>A layer whose heads kept only some rotary pairs ({@link LayerShape#rope()}) gets them on its
 * rotary nodes, and its attention scale stays {@code 1/sqrt} of the head size it was trained with.
 */
public final class DecoderGraph {

    /** The graph input's name. */
    public static final String INPUT = "input_ids";
    /** The metadata key holding the source {@code config.json}. */
    public static final String META_CONFIG = "hf.config";
    /** The metadata key holding the source weights' element type ({@code float32}, ...). */
    public static final String META_DTYPE = "hf.torch_dtype";
    /** The metadata key holding the source folder. */
    public static final String META_SOURCE = "hf.source";
    /** The metadata key holding the largest source shard's size, when the source is sharded. */
    public static final String META_SHARD_BYTES = "hf.max_shard_bytes";
    /** The op type of attention. */
    public static final String ATTENTION = "attention";

    private final LlmConfig config;
    private final GraphBuilder b;

    private DecoderGraph(LlmConfig config, GraphBuilder b) {
        this.config = config;
        this.b = b;
    }

    /**
     * Builds the graph.
     *
     * @param config the model
     * @param b a fresh builder
     * @param inputShape the ids' shape [B, T]
     * @param weights gives each tensor (name, expected shape) as a float32 array in the builder's
     *     manager, or null to keep the builder's seeded initialization
     * @return the graph
     */
    public static Graph build(LlmConfig config, GraphBuilder b, Shape inputShape,
            BiFunction<String, Shape, NDArray> weights) {
        if (weights != null) {
            for (Map.Entry<String, Shape> e : TensorLayout.shapes(config).entrySet()) {
                b.parameterValue(e.getKey(), weights.apply(e.getKey(), e.getValue()));
            }
        }
        b.metadata(META_CONFIG, config.source().toString());
        return new DecoderGraph(config, b).build(inputShape);
    }

    private Graph build(Shape inputShape) {
        long h = config.hiddenSize();
        Value ids = b.input(INPUT, inputShape, DataType.INT64);
        Value table = b.op("parameter", "model.embed_tokens.weight", Attributes.of()
                .with("shape", new long[] {config.vocabSize(), h}).with("channel_dim", 1));
        Value x = b.op(EmbeddingLookupOp.NAME, "model.embed_tokens", Attributes.of(), ids, table);
        Value mask = config.slidingWindow() > 0 ? b.op(SlidingWindowMaskOp.NAME, "model.sliding_window_mask",
                Attributes.of().with("sliding_window", config.slidingWindow()), ids) : null;
        for (int i = 0; i < config.layers().size(); i++) {
            x = layer(TensorLayout.layer(i), config.layers().get(i), x, mask);
        }
        x = rmsNorm("model.norm", x);
        Value logits = config.tieWordEmbeddings()
                ? b.op(TiedLmHeadOp.NAME, "lm_head", Attributes.of(), x, table)
                : b.linear("lm_head", x, config.vocabSize(), false);
        b.output(logits);
        return b.build();
    }

    private Value layer(String p, LayerShape l, Value x, Value mask) {
        Value h = rmsNorm(p + "input_layernorm", x);
        int d = l.headDim();
        Value q = b.linear(p + "self_attn.q_proj", h, l.numHeads() * d, config.qkvBias());
        Value k = b.linear(p + "self_attn.k_proj", h, l.numKvHeads() * d, config.qkvBias());
        Value v = b.linear(p + "self_attn.v_proj", h, l.numKvHeads() * d, config.qkvBias());
        if (config.qkNorm()) {
            q = headNorm(p + "self_attn.q_norm", q, l.numHeads(), d);
            k = headNorm(p + "self_attn.k_norm", k, l.numKvHeads(), d);
        }
        q = rotary(p + "self_attn.q_rotary", q, l.numHeads(), l.rope());
        k = rotary(p + "self_attn.k_rotary", k, l.numKvHeads(), l.rope());
        Attributes attention = Attributes.of().with("num_heads", l.numHeads())
                .with("num_kv_heads", l.numKvHeads()).with("causal", true)
                .with("scale", 1 / Math.sqrt(l.rope().baseHeadDim()));
        Value a = mask == null ? b.op(ATTENTION, p + "self_attn.attention", attention, q, k, v)
                : b.op(ATTENTION, p + "self_attn.attention", attention, q, k, v, mask);
        Value o = b.linear(p + "self_attn.o_proj", a, config.hiddenSize(), config.outputBias());
        x = b.add(p + "attn_residual", x, o);
        h = rmsNorm(p + "post_attention_layernorm", x);
        int width = l.intermediateSize();
        Value gate = b.unary("silu", p + "mlp.act_fn",
                b.linear(p + "mlp.gate_proj", h, width, config.mlpBias()));
        Value up = b.linear(p + "mlp.up_proj", h, width, config.mlpBias());
        Value down = b.linear(p + "mlp.down_proj", b.binary("mul", p + "mlp.mul", gate, up),
                config.hiddenSize(), config.mlpBias());
        return b.add(p + "mlp_residual", x, down);
    }

    private Value rmsNorm(String name, Value x) {
        return b.op(RmsNormOp.NAME, name, Attributes.of().with("eps", config.rmsNormEps()), x);
    }

    private Value headNorm(String name, Value x, int heads, int dim) {
        return b.op(HeadRmsNormOp.NAME, name, Attributes.of().with("eps", config.rmsNormEps())
                .with("num_heads", heads).with("head_dim", dim), x);
    }

    private Value rotary(String name, Value x, int heads, RopePairs pairs) {
        return b.op(RotaryOp.NAME, name, pairs.addTo(config.rope().addTo(Attributes.of()
                .with("num_heads", heads).with("head_dim", pairs.headDim()))), x);
    }
}
