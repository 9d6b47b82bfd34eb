package ai.bonsai.serve;

/**
 * A request the service refuses: the HTTP status and the JSON error body's message and field.
 */
final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;

    /**
     * Creates an error.
     *
     * @param status the HTTP status
     * @param field the request field at fault, or null
     * @param message what is wrong
     */
    HttpError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }
}
