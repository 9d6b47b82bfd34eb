package ai.bonsai.core.plan;

import ai.bonsai.api.ConfigException;

/**
 * An invalid pruning plan: the message names where the value is written ({@code
 * plan.yaml:7:12}, or the command-line option that set it), the field path and the problem, for
 * example {@code plan.yaml:7:12: pruner.ratio: must be in [0, 1), found 1.5}.
 */
public final class PlanException extends ConfigException {

    private static final long serialVersionUID = 1L;

    private final String where;

    /**
     * Creates an exception for one field.
     *
     * @param where {@code file:line:column} or the option that set the value; empty if unknown
     * @param field the field path
     * @param problem what is wrong with it
     */
    public PlanException(String where, String field, String problem) {
        super(field, problem);
        this.where = where;
    }

    /**
     * Returns where the invalid value is written.
     *
     * @return {@code file:line:column}, an option name, or empty
     */
    public String where() {
        return where;
    }

    @Override
    public String getMessage() {
        return where.isEmpty() ? super.getMessage() : where + ": " + super.getMessage();
    }
}
