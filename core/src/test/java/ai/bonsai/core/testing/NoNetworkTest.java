package ai.bonsai.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;
import java.net.ProxySelector;
import org.junit.jupiter.api.Test;

/** DJL starts offline and nothing in the test JVM asks for a non-local connection. */
class NoNetworkTest {

    @Test
    void djlRunsOfflineWithTrackingOptedOut() {
        assertThat(Utils.isOfflineMode()).isTrue();
        assertThat(Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING")).isEqualTo("true");
    }

    @Test
    void engineStartAndComputeOpenNoConnection() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(m.ones(new ai.djl.ndarray.types.Shape(2)).sum().getFloat()).isEqualTo(2f);
        }
        assertThat(Engine.getInstance().getEngineName()).isEqualTo("PyTorch");
        assertThat(NetworkGuard.attempts()).isEmpty();
    }

    @Test
    void theGuardIsInstalledBeforeAnyTest() {
        assertThat(ProxySelector.getDefault().getClass().getName())
                .isEqualTo(NetworkGuard.class.getName() + "$Recorder");
    }

    @Test
    void everyTestClassIsCheckedByTheAutoDetectedExtension() {
        assertThat(NoNetworkExtension.classesChecked())
                .as("NoNetworkExtension runs before this class (junit.jupiter.extensions"
                        + ".autodetection.enabled in the parent POM)").isPositive();
    }
}
