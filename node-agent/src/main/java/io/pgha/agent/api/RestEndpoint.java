package io.pgha.agent.api;

/**
 * Where and how this agent's REST API answers, decided from Quarkus' HTTP settings (pure): with a key
 * store in the TLS configuration the HTTP server uses (the TLS registry's default, {@code
 * quarkus.tls.key-store.pem.0.cert/key}, or the one {@code quarkus.http.tls-configuration-name} names)
 * Quarkus serves HTTPS on {@code quarkus.http.ssl-port}, and {@code api_url} says {@code https} with that
 * port; without one it is {@code http} on {@code quarkus.http.port}. Whether plain HTTP stays open as well
 * is {@code quarkus.http.insecure-requests}; the published URL is the HTTPS one either way.
 *
 * @param https whether the API is published as HTTPS
 * @param port the port the published URL names
 */
public record RestEndpoint(boolean https, int port) {
    /** The endpoint for a server with ({@code serverTls}) or without a key store. */
    public static RestEndpoint decide(boolean serverTls, int httpPort, int sslPort) {
        return serverTls ? new RestEndpoint(true, sslPort) : new RestEndpoint(false, httpPort);
    }

    public String scheme() {
        return https ? "https" : "http";
    }

    /** {@code <scheme>://host:port} (an IPv6 address in brackets). */
    public String base(String host) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return scheme() + "://" + h + ":" + port;
    }

    /** The member's {@code api_url}: {@code <scheme>://host:port/patroni}. */
    public String apiUrl(String host) {
        return base(host) + "/patroni";
    }
}
