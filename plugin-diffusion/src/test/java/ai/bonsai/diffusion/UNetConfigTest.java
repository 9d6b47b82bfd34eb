package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Reading diffusers' config keys, with diffusers' defaults for absent ones. */
class UNetConfigTest {

    private static UNetConfig parse(String json) throws Exception {
        JsonNode node = new ObjectMapper().readTree(json);
        return UNetConfig.parse(node, "config.json");
    }

    @Test
    void appliesDiffusersDefaults() throws Exception {
        UNetConfig c = parse("{\"_class_name\": \"UNet2DModel\"}");
        assertThat(c.blockOutChannels()).containsExactly(224, 448, 672, 896);
        assertThat(c.attentionHeadDim()).isEqualTo(8);
        assertThat(c.flipSinToCos()).isTrue();
        assertThat(c.downsamplePadding()).isEqualTo(1);
        assertThat(c.timeEmbeddingDim()).isEqualTo(4 * 224);
        assertThat(c.bonsai().isEmpty()).isTrue();
    }

    @Test
    void nullAttentionHeadDimMeansOneHead() throws Exception {
        assertThat(parse("{\"attention_head_dim\": null}").attentionHeadDim()).isZero();
    }

    @Test
    void readsTheBonsaiSection() throws Exception {
        UNetConfig c = parse("{\"block_out_channels\": [8, 16], \"down_block_types\": [\"DownBlock2D\","
                + " \"DownBlock2D\"], \"up_block_types\": [\"UpBlock2D\", \"UpBlock2D\"],"
                + " \"bonsai\": {\"widths\": {\"mid_block.resnets.0.conv1\": 12}}}");
        assertThat(c.width("mid_block.resnets.0.conv1")).isEqualTo(12);
        assertThat(c.width("mid_block.resnets.0.conv2")).isEqualTo(16);
        assertThat(c.width("up_blocks.1.resnets.0.conv2")).isEqualTo(8);
    }

    @Test
    void namesUnsupportedKeys() {
        assertThatThrownBy(() -> parse("{\"resnet_time_scale_shift\": \"scale_shift\"}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.json: resnet_time_scale_shift")
                .hasMessageContaining("'scale_shift' is not supported, only 'default'");
        assertThatThrownBy(() -> parse("{\"_class_name\": \"UNet2DConditionModel\"}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only UNet2DModel");
        assertThatThrownBy(() -> parse("{\"bonsai\": {\"widths\": {\"conv_in\": -1}}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bonsai.widths.conv_in");
    }
}
