package ai.bonsai.diffusion;

import ai.bonsai.api.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The part of a diffusers {@code UNet2DModel} {@code config.json} that Bonsai builds from, with
 * diffusers' defaults for absent keys, and the optional {@code bonsai} section of a pruned model.
 *
 * <p>Supported: positional (sinusoidal) time embeddings, {@code DownBlock2D} / {@code
 * AttnDownBlock2D} down blocks, {@code UNetMidBlock2D} (or none), {@code UpBlock2D} / {@code
 * AttnUpBlock2D} up blocks, SiLU, {@code resnet_time_scale_shift} {@code default}, convolutional
 * down- and upsampling, output scale factors of 1. Anything else is refused with a {@link
 * ConfigException} naming the key and the value.
 *
 * @param inChannels input image channels
 * @param outChannels output channels
 * @param sampleSize the image height and width
 * @param blockOutChannels the output width of each down block
 * @param downBlockTypes the down block types
 * @param upBlockTypes the up block types
 * @param midBlock whether there is a {@code UNetMidBlock2D}
 * @param layersPerBlock resnets per down block (up blocks have one more)
 * @param normNumGroups GroupNorm groups of every resnet and attention norm
 * @param normEps GroupNorm epsilon
 * @param attentionHeadDim channels per attention head (diffusers' default 8 when absent), or 0
 *     for one head per attention (null in the config)
 * @param flipSinToCos whether the embedding is cos then sin
 * @param freqShift the frequency shift of the sinusoidal embedding
 * @param downsamplePadding the downsampling convolutions' padding (0: pad right and bottom by 1)
 * @param timeEmbeddingDim the time embedding width ({@code 4 * blockOutChannels[0]} by default)
 * @param addAttention whether the mid block has an attention
 * @param bonsai per-layer widths of a pruned model
 */
public record UNetConfig(
        int inChannels,
        int outChannels,
        int sampleSize,
        List<Integer> blockOutChannels,
        List<String> downBlockTypes,
        List<String> upBlockTypes,
        boolean midBlock,
        int layersPerBlock,
        int normNumGroups,
        double normEps,
        int attentionHeadDim,
        boolean flipSinToCos,
        int freqShift,
        int downsamplePadding,
        int timeEmbeddingDim,
        boolean addAttention,
        BonsaiSection bonsai) {

    /** The diffusers class this config describes. */
    public static final String CLASS_NAME = "UNet2DModel";

    private static final Set<String> DOWN_TYPES = Set.of("DownBlock2D", "AttnDownBlock2D");
    private static final Set<String> UP_TYPES = Set.of("UpBlock2D", "AttnUpBlock2D");

    /**
     * Copies the lists and checks that the block lists agree.
     */
    public UNetConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        if (downBlockTypes.size() != blockOutChannels.size()
                || upBlockTypes.size() != blockOutChannels.size()) {
            throw new ConfigException("config.block_out_channels", "has " + blockOutChannels.size()
                    + " entries, down_block_types " + downBlockTypes.size() + " and up_block_types "
                    + upBlockTypes.size() + ": they must agree");
        }
    }

    /**
     * Reads a diffusers config.
     *
     * @param json the parsed {@code config.json}
     * @param source the file, for messages
     * @return the config
     * @throws ConfigException naming the file and key for a missing, malformed or unsupported
     *     entry
     */
    public static UNetConfig parse(JsonNode json, String source) {
        Keys k = new Keys(json, source);
        String cls = k.string("_class_name", CLASS_NAME);
        if (!CLASS_NAME.equals(cls)) {
            throw k.error("_class_name", "'" + cls + "' is not supported, only " + CLASS_NAME);
        }
        k.require("time_embedding_type", "positional");
        k.require("act_fn", "silu");
        k.require("resnet_time_scale_shift", "default");
        k.require("downsample_type", "conv");
        k.require("upsample_type", "conv");
        k.requireNull("class_embed_type");
        k.requireNull("num_class_embeds");
        k.requireNull("attn_norm_num_groups");
        if (k.bool("center_input_sample", false)) {
            throw k.error("center_input_sample", "true is not supported");
        }
        if (k.number("mid_block_scale_factor", 1) != 1) {
            throw k.error("mid_block_scale_factor", "only 1 is supported, found "
                    + json.get("mid_block_scale_factor"));
        }
        List<Integer> widths = k.ints("block_out_channels", List.of(224, 448, 672, 896));
        List<String> down = k.strings("down_block_types", List.of("DownBlock2D",
                "AttnDownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"));
        List<String> up = k.strings("up_block_types", List.of("AttnUpBlock2D", "AttnUpBlock2D",
                "AttnUpBlock2D", "UpBlock2D"));
        k.supported("down_block_types", down, DOWN_TYPES);
        k.supported("up_block_types", up, UP_TYPES);
        String mid = k.string("mid_block_type", "UNetMidBlock2D");
        if (mid != null && !mid.equals("UNetMidBlock2D")) {
            throw k.error("mid_block_type", "'" + mid + "' is not supported, only UNetMidBlock2D");
        }
        int timeDim = json.hasNonNull("time_embedding_dim")
                ? k.integer("time_embedding_dim", 0) : 4 * widths.get(0);
        return new UNetConfig(
                k.integer("in_channels", 3), k.integer("out_channels", 3),
                k.integer("sample_size", 32), widths, down, up, mid != null,
                k.integer("layers_per_block", 2), k.integer("norm_num_groups", 32),
                k.number("norm_eps", 1e-5), attentionHeadDim(json, k),
                k.bool("flip_sin_to_cos", true), k.integer("freq_shift", 0),
                k.integer("downsample_padding", 1), timeDim, k.bool("add_attention", true),
                BonsaiSection.parse(json.get(BonsaiSection.KEY), source));
    }

    /** diffusers' default 8 when the key is absent; null means one head per attention (0). */
    private static int attentionHeadDim(JsonNode json, Keys k) {
        if (!json.has("attention_head_dim")) {
            return 8;
        }
        return json.get("attention_head_dim").isNull() ? 0 : k.integer("attention_head_dim", 0);
    }

    /**
     * Returns the width a node has in the unpruned layout of this config: the block's width for
     * every node of a block, the time embedding width for {@code time_embedding.*}, the first
     * block's width for {@code conv_in} and {@code conv_norm_out}, the output channels for
     * {@code conv_out}.
     *
     * @param node the node name, such as {@code up_blocks.1.resnets.0.conv1}
     * @return the width
     */
    public int derivedWidth(String node) {
        String[] parts = node.split("\\.");
        int last = blockOutChannels.size() - 1;
        return switch (parts[0]) {
            case "time_embedding" -> timeEmbeddingDim;
            case "conv_out" -> outChannels;
            case "down_blocks" -> blockOutChannels.get(Integer.parseInt(parts[1]));
            case "up_blocks" -> blockOutChannels.get(last - Integer.parseInt(parts[1]));
            case "mid_block" -> blockOutChannels.get(last);
            default -> blockOutChannels.get(0);
        };
    }

    /**
     * Returns the width of a convolution or linear node: the {@code bonsai} section's entry if
     * there is one, else {@link #derivedWidth}.
     *
     * @param node the node name
     * @return the output channels or features
     */
    public int width(String node) {
        Integer w = bonsai.widths().get(node);
        return w != null ? w : derivedWidth(node);
    }

    /**
     * Returns a GroupNorm's number of groups: the {@code bonsai} section's entry, else {@code
     * norm_num_groups}.
     *
     * @param node the group norm's node name
     * @return the groups
     */
    public int numGroups(String node) {
        Integer g = bonsai.numGroups().get(node);
        return g != null ? g : normNumGroups;
    }

    /**
     * Returns a copy with other block widths, time embedding width and {@code bonsai} section.
     *
     * @param widths the block widths
     * @param timeDim the time embedding width
     * @param section the section
     * @return the copy
     */
    public UNetConfig with(List<Integer> widths, int timeDim, BonsaiSection section) {
        return new UNetConfig(inChannels, outChannels, sampleSize, widths, downBlockTypes,
                upBlockTypes, midBlock, layersPerBlock, normNumGroups, normEps, attentionHeadDim,
                flipSinToCos, freqShift, downsamplePadding, timeDim, addAttention, section);
    }

    /**
     * Writes the config back: the original JSON with this config's block widths, time
     * embedding width and {@code bonsai} section (removed when empty).
     *
     * @param original the original {@code config.json}
     * @return the new JSON
     */
    public ObjectNode toJson(JsonNode original) {
        ObjectNode out = ((ObjectNode) original).deepCopy();
        out.putArray("block_out_channels").addAll(
                blockOutChannels.stream().map(out::numberNode).toList());
        if (timeEmbeddingDim != 4 * blockOutChannels.get(0)) {
            out.put("time_embedding_dim", timeEmbeddingDim);
        } else {
            out.putNull("time_embedding_dim");
        }
        out.remove(BonsaiSection.KEY);
        if (!bonsai.isEmpty()) {
            out.set(BonsaiSection.KEY, bonsai.toJson());
        }
        return out;
    }

    /** Typed access to the keys of one config file. */
    private record Keys(JsonNode json, String source) {

        ConfigException error(String key, String message) {
            return new ConfigException(source + ": " + key, message);
        }

        String string(String key, String dflt) {
            JsonNode v = json.get(key);
            if (v == null) {
                return dflt;
            }
            if (v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw error(key, "must be a string, found " + v);
            }
            return v.asText();
        }

        void require(String key, String expected) {
            String v = string(key, expected);
            if (!expected.equals(v)) {
                throw error(key, "'" + v + "' is not supported, only '" + expected + "'");
            }
        }

        void requireNull(String key) {
            if (json.hasNonNull(key)) {
                throw error(key, json.get(key) + " is not supported, only null");
            }
        }

        boolean bool(String key, boolean dflt) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw error(key, "must be true or false, found " + v);
            }
            return v.asBoolean();
        }

        int integer(String key, int dflt) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.canConvertToExactIntegral() || v.asInt() < 0) {
                throw error(key, "must be a non-negative integer, found " + v);
            }
            return v.asInt();
        }

        double number(String key, double dflt) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isNumber()) {
                throw error(key, "must be a number, found " + v);
            }
            return v.asDouble();
        }

        List<Integer> ints(String key, List<Integer> dflt) {
            JsonNode v = json.get(key);
            if (v == null) {
                return dflt;
            }
            if (!v.isArray() || v.isEmpty()) {
                throw error(key, "must be a non-empty list of integers, found " + v);
            }
            List<Integer> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.canConvertToExactIntegral() || e.asInt() < 1) {
                    throw error(key, "must hold positive integers, found " + v);
                }
                out.add(e.asInt());
            }
            return out;
        }

        List<String> strings(String key, List<String> dflt) {
            JsonNode v = json.get(key);
            if (v == null) {
                return dflt;
            }
            if (!v.isArray()) {
                throw error(key, "must be a list of strings, found " + v);
            }
            List<String> out = new ArrayList<>();
            v.forEach(e -> out.add(e.asText()));
            return out;
        }

        void supported(String key, List<String> types, Set<String> known) {
            for (String t : types) {
                if (!known.contains(t)) {
                    throw error(key, "block type '" + t + "' is not supported; supported: "
                            + known.stream().sorted().toList());
                }
            }
        }
    }
}
