package ai.bonsai.api.model;

import ai.bonsai.api.BonsaiException;

/** Thrown when a model or weights file cannot be read or written; names the file and field. */
public class ModelFormatException extends BonsaiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception naming the file and what is wrong.
     *
     * @param message the message
     */
    public ModelFormatException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message the message
     * @param cause the cause
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
