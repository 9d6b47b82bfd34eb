package ai.bonsai.core.plugin;

import ai.bonsai.api.plugin.PluginException;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.List;
import org.pf4j.ExtensionFactory;

/** Creates PF4J extensions through Guice, so that extensions can {@code @Inject} collaborators. */
final class GuiceExtensionFactory implements ExtensionFactory {

    private volatile Injector injector;

    GuiceExtensionFactory(Injector injector) {
        this.injector = injector;
    }

    /**
     * Adds the Guice modules that started plugins contribute (a plugin class that is also a
     * {@link Module}): extensions created from now on see their bindings too.
     *
     * @param modules the plugins' modules
     */
    void install(List<Module> modules) {
        if (!modules.isEmpty()) {
            injector = injector.createChildInjector(modules);
        }
    }

    @Override
    public <T> T create(Class<T> extensionClass) {
        try {
            return injector.getInstance(extensionClass);
        } catch (RuntimeException e) {
            throw new PluginException("cannot create extension " + extensionClass.getName() + ": "
                    + e.getMessage());
        }
    }
}
