package io.pgha.agent.pg;

import io.pgha.core.EtcdLayout;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The member a standby streams from (or a clone or rewind comes from), with its PostgreSQL address.
 * Its values come from etcd (the leader key, a member key's conn_url) and end up in {@code
 * primary_conninfo}: the member name is re-validated with {@link EtcdLayout#requireName} and the host
 * may hold only what a host name or address holds.
 */
public record Upstream(String member, String host, int port) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]{1,253}");

    public Upstream {
        EtcdLayout.requireName("upstream member", member);
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("the host '" + host + "' of member " + member
                    + " (from its conn_url in etcd) is not a host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port " + port + " of member " + member + " is not a TCP port");
        }
    }

    /** From a member key's {@code conn_url} ({@code postgres://host:port/postgres}). */
    public static Upstream fromConnUrl(String member, String connUrl) {
        EtcdLayout.requireName("upstream member", member);
        URI uri = URI.create(connUrl);
        if (uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException("member " + member + " has an unusable conn_url " + connUrl);
        }
        return new Upstream(member, uri.getHost(), uri.getPort());
    }
}
