package ai.bonsai.api.plugin;

import ai.bonsai.api.BonsaiException;

/**
 * Thrown when plugins cannot be loaded or conflict: two extensions claiming one name, an unknown
 * extension name (the message lists the names that exist).
 */
public class PluginException extends BonsaiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception naming the plugin or extension at fault.
     *
     * @param message the message
     */
    public PluginException(String message) {
        super(message);
    }
}
