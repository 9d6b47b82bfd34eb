package ai.bonsai.transformers;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Torchvision's {@code VisionTransformer} with the node and parameter names of its {@code
 * state_dict}: {@code conv_proj} → 1 + (S/P)² tokens with {@code class_token} → + {@code
 * encoder.pos_embedding} → layers {@code encoder.layers.encoder_layer_i} (pre-LN: {@code ln_1},
 * {@code self_attention} as core's {@code multihead_attention} op with the packed {@code
 * in_proj_weight}, residual; {@code ln_2}, {@code mlp.0} → exact GELU → {@code mlp.3}, residual) →
 * {@code encoder.ln} → token 0 → {@code heads.head}. LayerNorm eps 1e-6.
 *
 * <p>Through {@code multihead_attention} the attention's embedding channels are the hidden
 * channels, as in Torch-Pruning: one group prunes the residual stream and every attention alike
 * (whole heads or the same number per head).
 *
 * @param imageSize the image side
 * @param patchSize the patch side
 * @param layers the encoder layers
 * @param heads the attention heads
 * @param hidden the hidden size
 * @param mlp the MLP width
 */
record TorchvisionVit(int imageSize, int patchSize, int layers, int heads, int hidden, int mlp) {

    /** Torchvision's published sizes, by architecture name. */
    static final Map<String, TorchvisionVit> PRESETS = Map.of(
            "vit_b_16", new TorchvisionVit(224, 16, 12, 12, 768, 3072),
            "vit_b_32", new TorchvisionVit(224, 32, 12, 12, 768, 3072),
            "vit_l_16", new TorchvisionVit(224, 16, 24, 16, 1024, 4096),
            "vit_l_32", new TorchvisionVit(224, 32, 24, 16, 1024, 4096),
            "vit_h_14", new TorchvisionVit(224, 14, 32, 16, 1280, 5120));

    /**
     * Adds the model's input, nodes and output to a builder.
     *
     * @param b the builder
     * @param input the input shape [B, 3, S, S]
     * @param numClasses the classifier's outputs
     * @throws ConfigException naming {@code model.inputShape} if the image does not fit
     */
    void build(GraphBuilder b, Shape input, int numClasses) {
        if (input.dimension() != 4 || input.get(1) != 3 || input.get(2) != imageSize || input.get(3) != imageSize) {
            throw new ConfigException("model.inputShape", "takes images [B, 3, " + imageSize + ", " + imageSize
                    + "], found " + input);
        }
        long tokens = (long) (imageSize / patchSize) * (imageSize / patchSize);
        Value x = b.conv2d("conv_proj", b.input("input", input), hidden, patchSize, patchSize, 0, 1, 1, true);
        x = b.op("reshape", "reshape", Attributes.of().with("shape", new long[] {-1, hidden, tokens}), x);
        x = b.op("permute", "permute", Attributes.of().with("dims", new long[] {0, 2, 1}), x);
        Value cls = b.op("parameter", "class_token", Attributes.of().with("shape", new long[] {1, 1, hidden})
                .with("channel_dim", -1));
        cls = b.op("expand", "expand", Attributes.of().with("shape", new long[] {input.get(0), -1, -1}), cls);
        x = b.concat("cat", 1, cls, x);
        Value positions = b.op("parameter", "encoder.pos_embedding", Attributes.of()
                .with("shape", new long[] {1, tokens + 1, hidden}).with("channel_dim", -1));
        x = b.add("encoder.add", x, positions);
        for (int i = 0; i < layers; i++) {
            String layer = "encoder.layers.encoder_layer_" + i;
            Value attended = b.op("multihead_attention", layer + ".self_attention", Attributes.of()
                    .with("embed_dim", hidden).with("num_heads", heads).with("bias", true), norm(b, layer + ".ln_1", x));
            x = b.add(layer + ".add", attended, x);
            Value y = b.unary("gelu", layer + ".mlp.1", b.linear(layer + ".mlp.0", norm(b, layer + ".ln_2", x), mlp));
            x = b.add(layer + ".add_1", x, b.linear(layer + ".mlp.3", y, hidden));
        }
        x = norm(b, "encoder.ln", x);
        x = b.op("slice", "getitem", Attributes.of().with("dim", 1).with("start", 0).with("end", 1), x);
        x = b.op("reshape", "getitem.squeeze", Attributes.of().with("shape", new long[] {-1, hidden}), x);
        b.output(b.linear("heads.head", x, numClasses));
    }

    private Value norm(GraphBuilder b, String name, Value x) {
        return b.op("layer_norm", name, Attributes.of().with("normalized_shape", new long[] {hidden})
                .with("eps", 1e-6).with("elementwise_affine", true), x);
    }
}
