package ai.bonsai.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.op.OpType;
import ai.bonsai.core.testing.PluginJars;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.Plugin;

/**
 * Guice does the wiring: an application that already has an injector gives it to the host, a
 * plugin may contribute a module of its own (its plugin class), and extensions built by the host
 * inject those services and Bonsai's host services.
 */
class GuiceHostTest {

    private static final String PLUGIN_WITH_MODULE = """
            package com.example.greet;

            import ai.bonsai.core.plugin.ShopName;
            import com.google.inject.Binder;
            import com.google.inject.Module;
            import org.pf4j.Plugin;

            public final class GreetPlugin extends Plugin implements Module {
                @Override
                public void configure(Binder binder) {
                    binder.bind(ShopName.class).toInstance(new ShopName("the plugin's shop"));
                }
            }
            """;

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

    @Test
    void aPluginContributesItsOwnGuiceModule() throws IOException {
        Path jar = PluginJars.build(plugins, "greet", "com.example.greet.GreetPlugin",
                Map.of("com.example.greet.GreetPlugin", PLUGIN_WITH_MODULE), List.of(),
                Plugin.class, Module.class, ShopName.class);
        try (PluginHost host = PluginHost.builder().optPluginsDir(jar.getParent()).build()) {
            assertThat(host.pluginIds()).containsExactly("greet");
            assertThat(host.extensions(Greeter.class)).singleElement().extracting(Greeter::greet)
                    .asString().startsWith("hello from the plugin's shop, ");
        }
    }
}
