package ai.bonsai.api.graph;

import ai.bonsai.api.BonsaiException;

/** Thrown when a graph is malformed: unknown op, bad shape, missing parameter, cycle. */
public class GraphException extends BonsaiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception whose message names the node, value or parameter at fault.
     *
     * @param message the message
     */
    public GraphException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message the message
     * @param cause the cause
     */
    public GraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
