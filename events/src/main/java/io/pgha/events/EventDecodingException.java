package io.pgha.events;

/**
 * A record body (or its CloudEvent headers) could not be turned into an event. The message says
 * what was wrong and where; consumers send such a record to {@code <topic>.dlq} and carry on.
 */
public final class EventDecodingException extends RuntimeException {
    private final String reason;

    public EventDecodingException(String reason, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
    }

    public EventDecodingException(String reason) {
        this(reason, null);
    }

    /** What was wrong, and where (a JSON path when the body was JSON). */
    public String reason() {
        return reason;
    }
}
