package io.pgha.backup.api;

import io.pgha.backup.run.BackupService;
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
import java.util.Set;

/** Every call that changes something needs {@code Authorization: Bearer <pgha.api.token>}. */
@Provider
public class BearerTokenFilter implements ContainerRequestFilter {
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    BackupService service;

    @Override
    public void filter(ContainerRequestContext request) {
        if (READS.contains(request.getMethod())) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String presented = header != null && header.startsWith("Bearer ")
                ? header.substring(7).strip()
                : "";
        boolean ok = MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), service.token().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            request.abortWith(Response.status(401)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pgha\"")
                    .type(MediaType.APPLICATION_JSON)
                    .entity(Map.of(
                            "error",
                            header == null
                                    ? "this call changes backups: send Authorization: Bearer <token> (pgha.api.token)"
                                    : "the bearer token is not the configured pgha.api.token"))
                    .build());
        }
    }
}
