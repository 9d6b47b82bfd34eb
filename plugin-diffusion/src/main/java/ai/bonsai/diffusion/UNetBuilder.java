package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a diffusers {@code UNet2DModel} graph from a {@link UNetConfig}, with diffusers' module
 * names so that {@code diffusion_pytorch_model.safetensors} maps one to one onto the parameters.
 *
 * <p>Inputs {@code sample} [B, in, S, S] and {@code timestep} [B]; output {@code out_sample}.
 * Functional steps get names under their module with {@code torch.fx}-style suffixes ({@code
 * down_blocks.0.resnets.0.nonlinearity}, {@code ..._1}). Widths come from {@link
 * UNetConfig#width}, so a pruned model's {@code bonsai} section rebuilds it exactly.
 */
final class UNetBuilder {

    /** diffusers' {@code max_period} of the sinusoidal embedding. */
    private static final double MAX_PERIOD = 10000;

    private final UNetConfig config;
    private final GraphBuilder b;
    private final Map<String, Integer> calls = new HashMap<>();

    UNetBuilder(UNetConfig config, GraphBuilder builder) {
        this.config = config;
        this.b = builder;
    }

    /**
     * Builds the graph.
     *
     * @param sampleShape the shape of input {@code sample}, [B, in_channels, H, W]
     * @return the graph
     */
    Graph build(Shape sampleShape) {
        Value sample = b.input("sample", sampleShape);
        Value timestep = b.input("timestep", new Shape(sampleShape.get(0)));
        Value temb = timeEmbedding(timestep);
        Value h = conv("conv_in", sample, 3, 1, 1);
        Deque<Value> skips = new ArrayDeque<>();
        skips.push(h);
        int blocks = config.blockOutChannels().size();
        for (int i = 0; i < blocks; i++) {
            String p = "down_blocks." + i;
            boolean attn = config.downBlockTypes().get(i).startsWith("Attn");
            for (int j = 0; j < config.layersPerBlock(); j++) {
                h = resnet(p + ".resnets." + j, h, temb, false);
                if (attn) {
                    h = attention(p + ".attentions." + j, h);
                }
                skips.push(h);
            }
            if (i < blocks - 1) {
                h = downsample(p + ".downsamplers.0", h);
                skips.push(h);
            }
        }
        if (config.midBlock()) {
            h = resnet("mid_block.resnets.0", h, temb, false);
            if (config.addAttention()) {
                h = attention("mid_block.attentions.0", h);
            }
            h = resnet("mid_block.resnets.1", h, temb, false);
        }
        for (int i = 0; i < blocks; i++) {
            String p = "up_blocks." + i;
            boolean attn = config.upBlockTypes().get(i).startsWith("Attn");
            for (int j = 0; j <= config.layersPerBlock(); j++) {
                h = b.concat(call(p, "cat"), 1, h, skips.pop());
                h = resnet(p + ".resnets." + j, h, temb, true);
                if (attn) {
                    h = attention(p + ".attentions." + j, h);
                }
            }
            if (i < blocks - 1) {
                h = upsample(p + ".upsamplers.0", h);
            }
        }
        h = groupNorm("conv_norm_out", h, false);
        h = b.unary("silu", "conv_act", h);
        b.output(conv("conv_out", h, 3, 1, 1));
        return b.build();
    }

    private Value timeEmbedding(Value timestep) {
        Value t = b.op(TimestepEmbeddingOp.NAME, "time_proj", Attributes.of()
                .with("dim", config.width("time_proj"))
                .with("flip_sin_to_cos", config.flipSinToCos())
                .with("freq_shift", config.freqShift())
                .with("max_period", MAX_PERIOD), timestep);
        t = linear("time_embedding.linear_1", t);
        t = b.unary("silu", "time_embedding.act", t);
        return linear("time_embedding.linear_2", t);
    }

    /**
     * diffusers' {@code ResnetBlock2D} with the default time embedding norm. After a skip
     * concatenation, whose parts may straddle norm groups, {@code norm1} regroups when pruned
     * (see core's {@code group_norm}), as Torch-Pruning does.
     */
    private Value resnet(String p, Value x, Value temb, boolean concatenated) {
        Value h = groupNorm(p + ".norm1", x, concatenated);
        h = b.unary("silu", call(p, "nonlinearity"), h);
        h = conv(p + ".conv1", h, 3, 1, 1);
        Value t = b.unary("silu", call(p, "nonlinearity"), temb);
        t = linear(p + ".time_emb_proj", t);
        t = b.op("reshape", p + ".temb_view", Attributes.of()
                .with("shape", new long[] {-1, t.shape().get(1), 1, 1}), t);
        h = b.add(call(p, "add"), h, t);
        h = groupNorm(p + ".norm2", h, false);
        h = b.unary("silu", call(p, "nonlinearity"), h);
        h = conv(p + ".conv2", h, 3, 1, 1);
        String shortcut = p + ".conv_shortcut";
        boolean hasShortcut = x.shape().get(1) != h.shape().get(1)
                || config.bonsai().widths().containsKey(shortcut);
        Value skip = hasShortcut ? conv(shortcut, x, 1, 1, 0) : x;
        return b.add(call(p, "add"), skip, h);
    }

    /**
     * diffusers' spatial self-attention ({@code Attention} with a group norm, residual
     * connection, output factor 1): heads from {@code attention_head_dim} (one head when null);
     * the scale is {@code 1/sqrt(head_dim)} of the layer as built, kept by pruning.
     */
    private Value attention(String p, Value x) {
        Shape s = x.shape();
        long positions = s.get(2) * s.get(3);
        Value h = groupNorm(p + ".group_norm", x, false);
        h = b.op("reshape", p + ".view", Attributes.of()
                .with("shape", new long[] {-1, s.get(1), positions}), h);
        h = b.op("permute", p + ".transpose", Attributes.of().with("dims", new long[] {0, 2, 1}), h);
        Value q = linear(p + ".to_q", h);
        Value k = linear(p + ".to_k", h);
        Value v = linear(p + ".to_v", h);
        int inner = Math.toIntExact(q.shape().get(2));
        int heads = config.bonsai().heads().getOrDefault(p, defaultHeads(config, inner));
        double scale = config.bonsai().attentionScale().getOrDefault(p, defaultScale(inner, heads));
        h = b.op("attention", p + ".processor", Attributes.of()
                .with("num_heads", heads)
                .with("num_kv_heads", heads)
                .with("causal", false)
                .with("scale", scale), q, k, v);
        h = linear(p + ".to_out.0", h);
        h = b.op("permute", p + ".transpose_1", Attributes.of().with("dims", new long[] {0, 2, 1}), h);
        h = b.op("reshape", p + ".view_1", Attributes.of()
                .with("shape", new long[] {-1, h.shape().get(1), s.get(2), s.get(3)}), h);
        return b.add(p + ".add", h, x);
    }

    /**
     * Returns the heads diffusers gives an attention: {@code inner / attention_head_dim}, or one
     * when {@code attention_head_dim} is null.
     *
     * @param config the config
     * @param inner the q/k/v width
     * @return the heads
     */
    static int defaultHeads(UNetConfig config, int inner) {
        return config.attentionHeadDim() == 0 ? 1 : Math.max(1, inner / config.attentionHeadDim());
    }

    /**
     * Returns diffusers' attention scale {@code 1/sqrt(head_dim)}.
     *
     * @param inner the q/k/v width
     * @param heads the heads
     * @return the scale
     */
    static double defaultScale(int inner, int heads) {
        return 1 / Math.sqrt((double) inner / heads);
    }

    /** diffusers' {@code Downsample2D}: a stride-2 3x3 conv, padded right and bottom when padding is 0. */
    private Value downsample(String p, Value x) {
        int padding = config.downsamplePadding();
        if (padding == 0) {
            x = b.op("pad", p + ".pad", Attributes.of()
                    .with("pads", new long[] {0, 1, 0, 1})
                    .with("mode", "constant")
                    .with("value", 0.0), x);
        }
        return conv(p + ".conv", x, 3, 2, padding);
    }

    /** diffusers' {@code Upsample2D}: nearest x2, then a 3x3 conv. */
    private Value upsample(String p, Value x) {
        Value up = b.op("upsample", p + ".interpolate", Attributes.of()
                .with("scale", new long[] {2, 2})
                .with("mode", "nearest"), x);
        return conv(p + ".conv", up, 3, 1, 1);
    }

    private Value conv(String name, Value x, int kernel, int stride, int padding) {
        return b.conv2d(name, x, config.width(name), kernel, stride, padding, 1, 1, true);
    }

    private Value linear(String name, Value x) {
        return b.linear(name, x, config.width(name));
    }

    private Value groupNorm(String name, Value x, boolean regroup) {
        Attributes a = Attributes.of()
                .with("num_groups", config.numGroups(name))
                .with("eps", config.normEps())
                .with("affine", true);
        return b.op("group_norm", name, regroup ? a.with("regroup", true) : a, x);
    }

    /** The node name of the next call of a function inside a module: {@code f}, {@code f_1}, ... */
    private String call(String module, String function) {
        int n = calls.merge(module + "." + function, 1, Integer::sum) - 1;
        return module + "." + (n == 0 ? function : function + "_" + n);
    }
}
