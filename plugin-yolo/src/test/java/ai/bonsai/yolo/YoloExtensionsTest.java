package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.plugin.PluginHost;
import org.junit.jupiter.api.Test;

/** PF4J's index lists every extension of the plugin, so the host finds them by name. */
class YoloExtensionsTest {

    @Test
    void hostFindsTheOpTypesAdapterAndFormat() {
        PluginHost host = PluginHost.classpathOnly();
        assertThat(host.opTypes().get(DflOp.NAME)).isInstanceOf(DflOp.class);
        assertThat(host.opTypes().get(AnchorDecodeOp.NAME)).isInstanceOf(AnchorDecodeOp.class);
        assertThat(host.adapters().get("yolo")).isInstanceOf(YoloAdapter.class);
        assertThat(host.adapterFor("yolov8s")).isInstanceOf(YoloAdapter.class);
        assertThat(host.formats().get("yolo")).isInstanceOf(YoloFormat.class);
    }
}
