package ai.bonsai.core.plugin;

import java.nio.file.Path;

/**
 * A plugin the host loaded, as its jar's manifest describes it.
 *
 * @param id the plugin id ({@code Plugin-Id})
 * @param version the plugin version ({@code Plugin-Version})
 * @param provider who provides it ({@code Plugin-Provider}; empty if not given)
 * @param path the jar, zip or folder it was loaded from
 */
public record PluginInfo(String id, String version, String provider, Path path) {
}
