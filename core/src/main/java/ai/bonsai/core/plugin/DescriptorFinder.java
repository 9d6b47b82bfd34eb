package ai.bonsai.core.plugin;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * Reads a plugin's descriptor from {@code plugin.properties} or, failing that, from the jar's
 * manifest (PF4J's default order). Unlike PF4J's compound finder, which logs the failure and
 * throws a message without it, a jar without a readable descriptor fails with the manifest
 * finder's exception as the cause, so that {@link PluginHost#failures()} names the reason.
 */
final class DescriptorFinder implements PluginDescriptorFinder {

    private final List<PluginDescriptorFinder> finders =
            List.of(new PropertiesPluginDescriptorFinder(), new ManifestPluginDescriptorFinder());

    @Override
    public boolean isApplicable(Path pluginPath) {
        return finders.stream().anyMatch(f -> f.isApplicable(pluginPath));
    }

    @Override
    public PluginDescriptor find(Path pluginPath) {
        RuntimeException last = null;
        for (PluginDescriptorFinder finder : finders) {
            if (!finder.isApplicable(pluginPath)) {
                continue;
            }
            try {
                PluginDescriptor descriptor = finder.find(pluginPath);
                if (descriptor != null) {
                    return descriptor;
                }
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new PluginRuntimeException(last, "no plugin descriptor (plugin.properties or"
                + " manifest) in '{}'", pluginPath);
    }
}
