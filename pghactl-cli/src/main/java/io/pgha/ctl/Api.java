package io.pgha.ctl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every HTTP call pghactl makes: to the coordinators (tried in order until one answers) and to a member's
 * agent (its {@code api_url}). Mutating calls carry the bearer token; a 401 becomes an error naming where
 * the token came from, an endpoint that does not answer an error naming the URL.
 */
public final class Api {
    private static final Duration CONNECT = Duration.ofSeconds(2);

    /** One answer. */
    public record Answer(int status, String body, Optional<String> etag, URI uri) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The reason in an error body ({@code {"error": ...}} or plain text). */
        public String reason() {
            String text = body == null ? "" : body.strip();
            if (text.startsWith("{")) {
                try {
                    var node = Json.MAPPER.readTree(text);
                    if (node.hasNonNull("error")) {
                        return node.get("error").asText();
                    }
                    if (node.hasNonNull("message")) {
                        return node.get("message").asText();
                    }
                } catch (IOException e) {
                    // not JSON after all: shown as it is
                }
            }
            return text;
        }
    }

    private final Connection connection;
    private HttpClient http;
    private HttpClient https;

    public Api(Connection connection) {
        this.connection = connection;
    }

    /**
     * The client for {@code uri}'s scheme, made on first use. Plain http gets a TLS context that is never
     * used, so that a call does not pay for loading the JDK's trusted certificates (about a tenth of a
     * second of start-up); https gets the JDK's default context.
     */
    private HttpClient client(URI uri) {
        if ("https".equals(uri.getScheme())) {
            if (https == null) {
                https = HttpClient.newBuilder()
                        .connectTimeout(CONNECT)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
            }
            return https;
        }
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(CONNECT)
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(PlainHttpOnly.CONTEXT)
                    .build();
        }
        return http;
    }

    /** A TLS context that trusts nothing: for the client of plain http URLs, which never uses it. */
    private static final class PlainHttpOnly implements javax.net.ssl.X509TrustManager {
        static final javax.net.ssl.SSLContext CONTEXT = context();

        private static javax.net.ssl.SSLContext context() {
            try {
                javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
                context.init(
                        new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[] {new PlainHttpOnly()}, null);
                return context;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("plain http only");
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("plain http only");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    public Connection connection() {
        return connection;
    }

    /** GET on the coordinators. */
    public Answer get(String path) {
        return coordinator("GET", path, null, Map.of(), Duration.ofSeconds(10));
    }

    /**
     * A call to the first coordinator that answers; {@code body} null for none. A connection failure moves
     * on to the next endpoint; when none answers, an error naming each URL and why.
     */
    public Answer coordinator(String method, String path, String body, Map<String, String> headers, Duration timeout) {
        List<String> failures = new ArrayList<>();
        for (URI base : connection.coordinators()) {
            URI uri = URI.create(base + path);
            try {
                return checked(send(method, uri, body, headers, timeout));
            } catch (ConnectException | HttpConnectTimeoutException e) {
                failures.add(uri + ": " + why(e));
            } catch (HttpTimeoutException e) {
                throw CtlException.failed(method + " " + uri + " did not answer within " + timeout.toSeconds()
                        + " s; look at the cluster with 'pghactl list' before trying again");
            } catch (IOException e) {
                failures.add(uri + ": " + why(e));
            }
        }
        throw new CtlException(
                ExitCode.UNREACHABLE,
                "cannot reach a coordinator (endpoints from " + connection.endpointSource() + "): "
                        + String.join("; ", failures));
    }

    /**
     * A call to backup-service, alert-service or Alertmanager at {@code at}; one that does not answer is a
     * failure (exit code 3) naming the service, its URL and where the URL came from.
     */
    public Answer service(ServiceUrls.Located at, String method, String path, String body, Duration timeout) {
        URI uri = URI.create(at.uri() + path);
        try {
            return checked(send(method, uri, body, Map.of(), timeout));
        } catch (HttpTimeoutException e) {
            throw new CtlException(
                    ExitCode.UNREACHABLE,
                    at.service().title() + " at " + uri + " did not answer within " + timeout.toSeconds()
                            + " s (URL from " + at.source() + ")");
        } catch (IOException e) {
            throw new CtlException(
                    ExitCode.UNREACHABLE,
                    "cannot reach " + at.service().title() + " at " + uri + ": " + why(e) + " (URL from " + at.source()
                            + "; set it with " + at.service().flag() + " or "
                            + at.service().env() + ")");
        }
    }

    /**
     * A call to a member's agent (its Patroni-compatible REST API): {@code path} replaces the path of its
     * {@code api_url} ({@code http://host:8008/patroni}), as patronictl does.
     */
    public Answer agent(String member, String apiUrl, String method, String path, String body, Duration timeout) {
        URI uri = agentUri(apiUrl, path);
        try {
            return checked(send(method, uri, body, Map.of(), timeout));
        } catch (HttpTimeoutException e) {
            throw CtlException.failed(
                    "member " + member + "'s agent at " + uri + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw CtlException.failed("cannot reach member " + member + "'s agent at " + uri + ": " + why(e));
        }
    }

    private HttpResponse<String> send(
            String method, URI uri, String body, Map<String, String> headers, Duration timeout) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        boolean mutating = !method.equals("GET") && !method.equals("HEAD");
        if (mutating && connection.token().isPresent()) {
            request.header("Authorization", "Bearer " + connection.token().get());
        }
        try {
            return client(uri).send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CtlException.failed("interrupted while waiting for " + uri);
        }
    }

    private Answer checked(HttpResponse<String> response) {
        Answer answer = new Answer(
                response.statusCode(), response.body(), response.headers().firstValue("ETag"), response.uri());
        if (answer.status() == 401) {
            throw new CtlException(
                    ExitCode.UNAUTHORIZED,
                    "401 Unauthorized from " + answer.uri() + ": " + answer.reason() + " (the token sent came from "
                            + connection.tokenSource() + ")");
        }
        return answer;
    }

    private static String why(IOException e) {
        String message = e.getMessage();
        if (e instanceof ConnectException && (message == null || message.isBlank())) {
            return "connection refused";
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** {@code http://host:8008/patroni} and {@code /restart} → {@code http://host:8008/restart}. */
    static URI agentUri(String apiUrl, String path) {
        URI api;
        try {
            api = URI.create(apiUrl);
        } catch (IllegalArgumentException e) {
            throw CtlException.failed("the member's api_url '" + apiUrl + "' is not a URL");
        }
        if (api.getScheme() == null || api.getRawAuthority() == null) {
            throw CtlException.failed("the member's api_url '" + apiUrl + "' is not an http://host:port URL");
        }
        return URI.create(api.getScheme() + "://" + api.getRawAuthority() + path);
    }
}
