package io.pgha.messaging.rest;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every call that changes something needs {@code Authorization: Bearer <pgha.api.token>}, in every service
 * with pgha-messaging on its classpath (the jar is indexed) and an {@link ApiToken} bean; a service
 * without such a bean (no token to check) is left as it is.
 */
@Provider
public class BearerTokenFilter implements ContainerRequestFilter {
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    Instance<ApiToken> tokens;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!tokens.isResolvable()) {
            return;
        }
        refusal(request.getMethod(), request.getHeaderString(HttpHeaders.AUTHORIZATION), tokens.get())
                .ifPresent(reason -> request.abortWith(Response.status(401)
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pgha\"")
                        .type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("error", reason))
                        .build()));
    }

    /** Why a {@code method} call with this {@code Authorization} header is refused, or empty when it may pass. */
    static Optional<String> refusal(String method, String header, ApiToken token) {
        if (READS.contains(method)) {
            return Optional.empty();
        }
        String presented = header != null && header.startsWith("Bearer ")
                ? header.substring(7).strip()
                : "";
        boolean ok = MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), token.token().getBytes(StandardCharsets.UTF_8));
        if (ok) {
            return Optional.empty();
        }
        return Optional.of(
                header == null
                        ? "this call changes " + token.changes()
                                + ": send Authorization: Bearer <token> (pgha.api.token)"
                        : "the bearer token is not the configured pgha.api.token");
    }
}
