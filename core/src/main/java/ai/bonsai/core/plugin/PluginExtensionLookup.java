package ai.bonsai.core.plugin;

import ai.bonsai.api.plugin.ExtensionLookup;
import java.util.List;
import java.util.function.Supplier;
import org.pf4j.ExtensionPoint;
import org.pf4j.PluginManager;

/**
 * The host's {@link ExtensionLookup}: asks the PF4J plugin manager, so that extensions of every
 * loaded plugin jar are found, not only those of the asking extension's plugin.
 */
final class PluginExtensionLookup implements ExtensionLookup {

    private final Supplier<PluginManager> plugins;

    /**
     * Creates the lookup.
     *
     * @param plugins the plugin manager (supplied late: Guice's injector exists before it)
     */
    PluginExtensionLookup(Supplier<PluginManager> plugins) {
        this.plugins = plugins;
    }

    @Override
    public <T extends ExtensionPoint> List<T> extensions(Class<T> type) {
        return List.copyOf(plugins.get().getExtensions(type));
    }
}
