package io.pgha.renderer.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The configuration HAProxy runs: {@code GET /api/v1/haproxy} (version, counters, refusals) and its text. */
@Path("/api/v1/haproxy")
public class HaproxyResource {
    @Inject
    HaproxyRouting routing;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public RendererStatus status() {
        return routing.status();
    }

    /** The applied {@code haproxy.cfg}; 404 before the first apply. */
    @GET
    @Path("/config")
    @Produces(MediaType.TEXT_PLAIN)
    public Response config() {
        String text = routing.appliedText();
        return text == null
                ? Response.status(Response.Status.NOT_FOUND)
                        .entity("no configuration applied yet: pgha.topology is still being read\n")
                        .build()
                : Response.ok(text).build();
    }
}
