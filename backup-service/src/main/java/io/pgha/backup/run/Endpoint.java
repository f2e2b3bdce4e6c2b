package io.pgha.backup.run;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * A member's host and port, from its {@code conn_url} ({@code postgres://host:port/postgres}),
 * checked before it reaches a command line or a JDBC URL.
 */
record Endpoint(String host, int port) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\\[[0-9A-Fa-f:.]+\\]");

    static Endpoint of(String member, String connUrl) {
        URI uri;
        try {
            uri = new URI(connUrl);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("member " + member + " publishes conn_url '" + connUrl
                    + "', which is not a URL like postgres://host:5432/postgres");
        }
        String scheme = String.valueOf(uri.getScheme());
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw new IllegalArgumentException(
                    "member " + member + " publishes conn_url with scheme '" + scheme + "', not postgres://");
        }
        String host = uri.getHost();
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(
                    "member " + member + " publishes conn_url with host '" + host + "', which is not a host name");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        return new Endpoint(host, port);
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
