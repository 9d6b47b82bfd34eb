package ai.bonsai.core.plugin;

import java.nio.file.Path;

/**
 * A plugin jar the host could not load or start; the other plugins are loaded regardless.
 *
 * @param path the jar, zip or folder at fault
 * @param reason why it failed, with the underlying cause
 */
public record PluginFailure(Path path, String reason) {

    /**
     * Describes a failure from an exception and its causes.
     *
     * @param path the plugin's path
     * @param e what was thrown
     * @return the failure
     */
    static PluginFailure of(Path path, Throwable e) {
        StringBuilder reason = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !reason.toString().contains(c.getMessage())) {
                reason.append(": ").append(c.getMessage());
            }
        }
        return new PluginFailure(path, reason.toString());
    }
}
