package ai.bonsai.api;

/**
 * Thrown when a configuration value is missing or invalid; the message starts with the field path,
 * for example {@code pruner.ratio: must be in [0, 1), found 1.2}.
 */
public class ConfigException extends BonsaiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for one invalid field.
     *
     * @param field the field path, such as {@code pruner.ratio}
     * @param problem what is wrong with it
     */
    public ConfigException(String field, String problem) {
        super(field + ": " + problem);
    }
}
