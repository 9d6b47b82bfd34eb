package ai.bonsai.api;

/**
 * The root of every exception Bonsai throws on purpose.
 *
 * <p>Subclasses are split by phase ({@link ConfigException}, {@link
 * ai.bonsai.api.graph.GraphException}, {@link ai.bonsai.api.prune.PruningException}, {@link
 * ai.bonsai.api.model.ModelFormatException}, {@link ai.bonsai.api.plugin.PluginException}); their
 * messages name the node, value, parameter, file or field at fault.
 */
public class BonsaiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names what is at fault.
     *
     * @param message the message
     */
    public BonsaiException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message the message
     * @param cause the cause
     */
    public BonsaiException(String message, Throwable cause) {
        super(message, cause);
    }
}
