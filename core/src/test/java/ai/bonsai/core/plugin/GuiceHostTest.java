package ai.bonsai.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.op.OpType;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guice does the wiring: an application that already has an injector gives it to the host, and
 * extensions built by the host inject the application's services and Bonsai's host services.
 */
class GuiceHostTest {

    @TempDir
    Path plugins;

    @Test
    void extensionsInjectTheApplicationsServicesAndTheHostsLookup() {
        Injector application = Guice.createInjector(binder ->
                binder.bind(ShopName.class).toInstance(new ShopName("the shop")));
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins)
                .optInjector(application).build()) {
            List<Greeter> greeters = host.extensions(Greeter.class);
            int ops = host.extensions(OpType.class).size();
            assertThat(ops).isGreaterThan(40);
            assertThat(greeters).singleElement().extracting(Greeter::greet)
                    .isEqualTo("hello from the shop, " + ops + " op types");
        }
    }
}
