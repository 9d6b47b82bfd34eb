package ai.bonsai.core.plugin;

import ai.bonsai.api.plugin.PluginException;
import com.google.inject.Injector;
import org.pf4j.ExtensionFactory;

/** Creates PF4J extensions through Guice, so that extensions can {@code @Inject} collaborators. */
final class GuiceExtensionFactory implements ExtensionFactory {

    private final Injector injector;

    GuiceExtensionFactory(Injector injector) {
        this.injector = injector;
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
