package io.pgha.agent.pg;

import java.net.URI;

/** The member a standby streams from (or a clone or rewind comes from), with its PostgreSQL address. */
public record Upstream(String member, String host, int port) {
    /** From a member key's {@code conn_url} ({@code postgres://host:port/postgres}). */
    public static Upstream fromConnUrl(String member, String connUrl) {
        URI uri = URI.create(connUrl);
        if (uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException("member " + member + " has an unusable conn_url " + connUrl);
        }
        return new Upstream(member, uri.getHost(), uri.getPort());
    }
}
