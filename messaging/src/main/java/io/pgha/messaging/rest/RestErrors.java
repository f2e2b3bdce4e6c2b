package io.pgha.messaging.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives the REST server's own refusals a reason in the body: an unknown path (404), a method the path
 * does not take (405), an {@code Accept} it cannot answer (406) or a {@code Content-Type} it does not
 * read (415) otherwise come back empty. Answers that already carry a body pass unchanged. Every pgha
 * service with a REST API and pgha-messaging on its classpath gets it (the jar is indexed).
 */
@Provider
public class RestErrors implements ExceptionMapper<WebApplicationException> {
    @Context
    UriInfo uri;

    @Override
    public Response toResponse(WebApplicationException e) {
        Response response = e.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        return Response.fromResponse(response)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity("{\"error\":" + quoted(reason(response)) + "}")
                .build();
    }

    private String reason(Response response) {
        String path = uri == null ? "this path" : uri.getPath();
        return switch (response.getStatus()) {
            case 404 -> "nothing at " + path + ": see the API in the service's README";
            case 405 -> "this method is not allowed on " + path
                    + (response.getHeaderString("Allow") == null
                            ? ""
                            : "; allowed: " + response.getHeaderString("Allow"));
            case 406 -> "cannot answer in the media type the Accept header asks for; this API answers "
                    + "application/json (or text/plain where documented)";
            case 415 -> "the Content-Type is not one this endpoint reads: send application/json";
            default -> response.getStatusInfo().getReasonPhrase();
        };
    }

    /** {@code text} as a JSON string (it can hold a path the client sent). */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
