package ai.bonsai.core.testing;

import ai.djl.util.Utils;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs around every test class of every module whose tests have core's test-jar on the class
 * path (registered through {@code META-INF/services} and JUnit's extension auto-detection,
 * which the parent POM turns on): before the class, DJL must be offline with tracking opted out;
 * after it, {@link NetworkGuard} must have recorded no request for a non-local address during
 * the class. A violation fails the class, naming the addresses.
 */
public final class NoNetworkExtension implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NoNetworkExtension.class);
    private static final String SEEN = "attempts-before";
    private static final AtomicInteger CLASSES = new AtomicInteger();

    /**
     * Returns how many test classes this extension has checked in this JVM.
     *
     * @return the count
     */
    public static int classesChecked() {
        return CLASSES.get();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        NetworkGuard.install();
        if (!Utils.isOfflineMode()) {
            throw new IllegalStateException("DJL is not offline in this test JVM: set"
                    + " -Dai.djl.offline=true (surefire's systemPropertyVariables)");
        }
        if (!"true".equals(Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING"))) {
            throw new IllegalStateException("DJL's usage tracking is not opted out in this test"
                    + " JVM: set OPT_OUT_TRACKING=true (surefire's environmentVariables)");
        }
        context.getStore(NAMESPACE).put(SEEN, NetworkGuard.attempts().size());
        CLASSES.incrementAndGet();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        int before = context.getStore(NAMESPACE).getOrDefault(SEEN, Integer.class, 0);
        List<URI> attempts = NetworkGuard.attempts();
        if (attempts.size() > before) {
            throw new AssertionError(context.getDisplayName() + " asked for network connections: "
                    + attempts.subList(before, attempts.size()));
        }
    }
}
