package io.pgha.coordinator.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A request the API refuses: answered with {@code status} and {@code {"error": message}}. */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** Maps the exception to its answer. */
    @Provider
    public static class Mapper implements ExceptionMapper<ApiException> {
        @Override
        public Response toResponse(ApiException e) {
            return Bodies.error(e.status, e.getMessage());
        }
    }
}
