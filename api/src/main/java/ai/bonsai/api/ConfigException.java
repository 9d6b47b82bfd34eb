package ai.bonsai.api;

/**
 * Thrown when a configuration value is missing or invalid; the message starts with the field path,
 * for example {@code pruner.ratio: must be in [0, 1), found 1.2}.
 */
public class ConfigException extends BonsaiException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    /**
     * Creates an exception for one invalid field.
     *
     * @param field the field path, such as {@code pruner.ratio}
     * @param problem what is wrong with it
     */
    public ConfigException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /**
     * Returns the path of the invalid field.
     *
     * @return the field path, such as {@code pruner.ratio}
     */
    public String field() {
        return field;
    }

    /**
     * Returns what is wrong with the field, without the field path.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
