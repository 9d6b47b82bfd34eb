package ai.bonsai.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Records every outgoing connection the JVM's HTTP and socket stack asks a proxy for (DJL's
 * telemetry goes this way), from the start of the test session; {@code NoNetworkTest} asserts
 * that nothing but localhost was requested.
 */
public final class NetworkGuard implements LauncherSessionListener {

    private static final List<URI> ATTEMPTS = new CopyOnWriteArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    /** Installs the recording selector (idempotent). */
    public static synchronized void install() {
        if (ProxySelector.getDefault() instanceof Recorder) {
            return;
        }
        ProxySelector.setDefault(new Recorder(ProxySelector.getDefault()));
    }

    /**
     * Returns the non-local addresses requested so far.
     *
     * @return the attempts
     */
    public static List<URI> attempts() {
        return List.copyOf(ATTEMPTS);
    }

    private static boolean isLocal(String host) {
        if (host == null) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static final class Recorder extends ProxySelector {
        private final ProxySelector delegate;

        Recorder(ProxySelector delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<Proxy> select(URI uri) {
            if (!isLocal(uri.getHost())) {
                ATTEMPTS.add(uri);
            }
            return delegate == null ? List.of(Proxy.NO_PROXY) : delegate.select(uri);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            if (delegate != null) {
                delegate.connectFailed(uri, sa, ioe);
            }
        }
    }
}
