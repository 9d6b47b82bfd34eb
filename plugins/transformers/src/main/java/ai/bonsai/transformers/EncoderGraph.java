package ai.bonsai.transformers;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an encoder's graph from its {@link EncoderConfig} with Hugging Face's module paths as
 * node names. Attention is q, k and v {@code linear} nodes into one {@code attention} node.
 *
 * <p>Inputs: BERT {@code input_ids}, {@code attention_mask} and {@code token_type_ids}, all [B,
 * T] (T at most {@code max_position_embeddings}; positions are 0..T−1); ViT and DeiT {@code
 * pixel_values} [B, C, image_size, image_size]. Outputs: {@code logits} of task models; BERT's
 * base model gives the last hidden state and the pooled output.
 */
final class EncoderGraph {

    private final EncoderConfig config;
    private final EncoderNames names;
    private final GraphBuilder b;

    private EncoderGraph(EncoderConfig config, GraphBuilder b) {
        this.config = config;
        this.names = config.names();
        this.b = b;
    }

    /**
     * Adds an encoder's inputs, nodes and outputs to a builder.
     *
     * @param config the config
     * @param input the input shape: [B, T] for BERT, [B, C, H, W] for ViT
     * @param b the builder
     * @throws ConfigException naming {@code model.inputShape} if the shape does not fit the config
     */
    static void build(EncoderConfig config, Shape input, GraphBuilder b) {
        EncoderGraph g = new EncoderGraph(config, b);
        b.output(config.family().vision() ? g.vit(input) : g.bert(input));
    }

    private Value[] bert(Shape input) {
        if (input.dimension() != 2 || input.get(1) > config.maxPositions()) {
            throw new ConfigException("model.inputShape", "BERT takes token ids [B, T] with T at most "
                    + config.maxPositions() + ", found " + input);
        }
        int h = config.hidden();
        String emb = names.embeddings();
        Value ids = b.input("input_ids", input, DataType.INT64);
        Value mask = b.input("attention_mask", input, DataType.INT64);
        Value types = b.input("token_type_ids", input, DataType.INT64);
        Value words = embedding(emb + ".word_embeddings", config.vocabSize(), ids);
        Value tokenTypes = embedding(emb + ".token_type_embeddings", config.typeVocabSize(), types);
        Value table = b.op("parameter", emb + ".position_embeddings.weight", Attributes.of()
                .with("shape", new long[] {config.maxPositions(), h}).with("channel_dim", -1));
        Value positions = b.op("slice", emb + ".position_embeddings.first", Attributes.of().with("dim", 0)
                .with("start", 0).with("end", input.get(1)), table);
        Value x = b.add(emb + ".add_1", b.add(emb + ".add", words, tokenTypes), positions);
        x = layerNorm(emb + ".LayerNorm", x);
        Value additive = b.op("transformers.padding_mask", names.base() + "extended_attention_mask",
                Attributes.of(), mask);
        for (int i = 0; i < config.layers().size(); i++) {
            String layer = names.layer(i);
            Value attended = b.linear(names.attentionOutput(i), attention(i, x, additive), h);
            x = layerNorm(layer + ".attention.output.LayerNorm", b.add(layer + ".attention.output.add", attended, x));
            Value mlp = b.linear(names.output(i), mlp(i, x), h);
            x = layerNorm(layer + ".output.LayerNorm", b.add(layer + ".output.add", mlp, x));
        }
        String pooler = names.base() + "pooler";
        Value pooled = b.unary("tanh", pooler + ".activation", b.linear(names.pooler(), firstToken(pooler, x), h));
        if (!config.classifier()) {
            return new Value[] {x, pooled};
        }
        return new Value[] {b.linear(names.classifier(), pooled, config.numLabels())};
    }

    private Value[] vit(Shape input) {
        int side = config.imageSize();
        if (input.dimension() != 4 || input.get(1) != config.channels() || input.get(2) != side
                || input.get(3) != side) {
            throw new ConfigException("model.inputShape", "ViT takes pixel_values [B, " + config.channels()
                    + ", " + side + ", " + side + "], found " + input);
        }
        int h = config.hidden();
        int p = config.patchSize();
        long patches = (long) (side / p) * (side / p);
        String emb = names.embeddings();
        Value pixels = b.input("pixel_values", input);
        Value x = b.conv2d(emb + ".patch_embeddings.projection", pixels, h, p, p, 0, 1, 1, true);
        x = b.op("reshape", emb + ".patch_embeddings.flatten",
                Attributes.of().with("shape", new long[] {-1, h, patches}), x);
        x = b.op("transpose", emb + ".patch_embeddings.transpose",
                Attributes.of().with("dim0", 1).with("dim1", 2), x);
        List<Value> tokens = new ArrayList<>();
        tokens.add(token(emb + ".cls_token", input.get(0)));
        if (config.family() == Family.DEIT) {
            tokens.add(token(emb + ".distillation_token", input.get(0)));
        }
        tokens.add(x);
        x = b.concat(emb + ".concat", 1, tokens.toArray(Value[]::new));
        Value positions = b.op("parameter", emb + ".position_embeddings", Attributes.of()
                .with("shape", new long[] {1, patches + tokens.size() - 1, h}).with("channel_dim", -1));
        x = b.add(emb + ".add", x, positions);
        for (int i = 0; i < config.layers().size(); i++) {
            String layer = names.layer(i);
            Value attended = b.linear(names.attentionOutput(i),
                    attention(i, layerNorm(layer + ".layernorm_before", x), null), h);
            x = b.add(layer + ".attention.add", attended, x);
            Value mlp = b.linear(names.output(i), mlp(i, layerNorm(layer + ".layernorm_after", x)), h);
            x = b.add(layer + ".output.add", mlp, x);
        }
        x = layerNorm(names.base() + "layernorm", x);
        if (!config.classifier()) {
            return new Value[] {x};
        }
        return new Value[] {b.linear(names.classifier(), firstToken(names.classifier(), x), config.numLabels())};
    }

    /** q, k and v projections into an {@code attention} node. */
    private Value attention(int i, Value x, Value mask) {
        LayerSpec spec = config.layers().get(i);
        int width = spec.attentionWidth();
        Attributes a = Attributes.of().with("num_heads", spec.heads()).with("scale", spec.scale());
        Value q = b.linear(names.projection(i, "query"), x, width, config.qkvBias());
        Value k = b.linear(names.projection(i, "key"), x, width, config.qkvBias());
        Value v = b.linear(names.projection(i, "value"), x, width, config.qkvBias());
        return mask == null ? b.op("attention", names.selfAttention(i), a, q, k, v)
                : b.op("attention", names.selfAttention(i), a, q, k, v, mask);
    }

    /** intermediate.dense → exact GELU. */
    private Value mlp(int i, Value x) {
        int width = config.layers().get(i).intermediate();
        return b.unary("gelu", names.layer(i) + ".intermediate.intermediate_act_fn",
                b.linear(names.intermediate(i), x, width));
    }

    /** The hidden state of token 0, [B, hidden]. */
    private Value firstToken(String scope, Value x) {
        Value first = b.op("slice", scope + ".first_token", Attributes.of().with("dim", 1).with("start", 0)
                .with("end", 1), x);
        return b.op("reshape", scope + ".first_token.squeeze", Attributes.of()
                .with("shape", new long[] {-1, config.hidden()}), first);
    }

    /** A learned token [1, 1, hidden] expanded to the batch. */
    private Value token(String name, long batch) {
        Value t = b.op("parameter", name, Attributes.of().with("shape", new long[] {1, 1, config.hidden()})
                .with("channel_dim", -1));
        return b.op("expand", name + ".expand", Attributes.of().with("shape", new long[] {batch, -1, -1}), t);
    }

    private Value embedding(String name, int rows, Value ids) {
        return b.op("embedding", name, Attributes.of().with("num_embeddings", rows)
                .with("embedding_dim", config.hidden()), ids);
    }

    private Value layerNorm(String name, Value x) {
        return b.op("layer_norm", name, Attributes.of().with("normalized_shape", new long[] {config.hidden()})
                .with("eps", config.eps()).with("elementwise_affine", true), x);
    }
}
