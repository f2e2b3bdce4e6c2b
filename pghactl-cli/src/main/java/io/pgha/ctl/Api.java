package io.pgha.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * Every HTTP call pghactl makes: to the coordinators (tried in order until one answers) and to a member's
 * agent (its {@code api_url}). Mutating calls carry the bearer token; a 401 becomes an error naming where
 * the token came from, an endpoint that does not answer an error naming the URL.
 *
 * <p>Calls go through {@link HttpURLConnection} (HTTP/1.1, 2 s connect timeout, no redirects followed): it
 * starts about 0.3 s faster than {@code java.net.http.HttpClient}, whose set-up (selector thread, TLS
 * context, reactive pipeline) dominated a call's start-up (pghactl-cli/DESIGN.md, "Start-up time"). Only
 * {@code PATCH}, which {@link HttpURLConnection} refuses, goes through {@link HttpClient}.
 */
public final class Api {
    private static final Duration CONNECT = Duration.ofSeconds(2);

    static {
        // Never send a POST twice: HttpURLConnection re-sends one on a fresh connection when the server
        // closes the first without answering (a switchover must not be requested twice).
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }

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
    private final Optional<SSLContext> tls;
    private HttpClient patchClient;

    public Api(Connection connection) {
        this(connection, Optional.empty());
    }

    /** Calls that verify {@code https} URLs with {@code tls} (the {@code --cacert} CA), else the JVM's trust store. */
    public Api(Connection connection, Optional<SSLContext> tls) {
        this.connection = connection;
        this.tls = tls;
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
                return send(method, uri, body, headers, timeout);
            } catch (NotConnected e) {
                failures.add(uri + ": " + why(e.cause()));
            } catch (SocketTimeoutException e) {
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
            return send(method, uri, body, Map.of(), timeout);
        } catch (NotConnected e) {
            throw new CtlException(
                    ExitCode.UNREACHABLE,
                    "cannot reach " + at.service().title() + " at " + uri + ": " + why(e.cause()) + " (URL from "
                            + at.source() + "; set it with " + at.service().flag() + " or "
                            + at.service().env() + ")");
        } catch (SocketTimeoutException e) {
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
            return send(method, uri, body, Map.of(), timeout);
        } catch (NotConnected e) {
            throw CtlException.failed("cannot reach member " + member + "'s agent at " + uri + ": " + why(e.cause()));
        } catch (SocketTimeoutException e) {
            throw CtlException.failed(
                    "member " + member + "'s agent at " + uri + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw CtlException.failed("cannot reach member " + member + "'s agent at " + uri + ": " + why(e));
        }
    }

    /** The connection to the endpoint could not be made (refused, unknown host, connect timeout). */
    private static final class NotConnected extends IOException {
        NotConnected(IOException cause) {
            super(cause);
        }

        IOException cause() {
            return (IOException) getCause();
        }
    }

    /**
     * One request. A failure to connect is {@link NotConnected} (the coordinators move on to the next
     * endpoint); no answer within {@code timeout} after that is a {@link SocketTimeoutException}.
     */
    private Answer send(String method, URI uri, String body, Map<String, String> headers, Duration timeout)
            throws IOException {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        // A POST or PUT always sends a body (maybe empty: Content-Length 0), typed JSON (HttpURLConnection
        // would otherwise call it a form); a DELETE without one sends none.
        boolean sendsBody = body != null || method.equals("POST") || method.equals("PUT");
        if (sendsBody) {
            all.put("Content-Type", "application/json");
        }
        boolean mutating = !method.equals("GET") && !method.equals("HEAD");
        if (mutating && connection.token().isPresent()) {
            all.put("Authorization", "Bearer " + connection.token().get());
        }
        if (method.equals("PATCH")) {
            return patch(uri, body, all, timeout);
        }
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
        if (http instanceof HttpsURLConnection https && tls.isPresent()) {
            https.setSSLSocketFactory(tls.get().getSocketFactory());
        }
        try {
            http.setRequestMethod(method);
            http.setInstanceFollowRedirects(false);
            http.setUseCaches(false);
            http.setConnectTimeout((int) CONNECT.toMillis());
            http.setReadTimeout((int) Math.max(1, timeout.toMillis()));
            http.setRequestProperty("Accept", "*/*");
            all.forEach(http::setRequestProperty);
            // Buffered, not streamed: a streamed request loses the body of a 401 answer (its reason).
            http.setDoOutput(sendsBody);
            try {
                http.connect();
            } catch (IOException e) {
                throw new NotConnected(e);
            }
            if (sendsBody) {
                try (OutputStream o = http.getOutputStream()) {
                    if (body != null) {
                        o.write(body.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            int status = http.getResponseCode();
            InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
            String text = "";
            if (in != null) {
                try (in) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return checked(new Answer(status, text, Optional.ofNullable(http.getHeaderField("ETag")), uri));
        } finally {
            http.disconnect();
        }
    }

    /** {@code PATCH} (edit-config), which {@link HttpURLConnection} does not send: java.net.http's client. */
    private Answer patch(URI uri, String body, Map<String, String> headers, Duration timeout) throws IOException {
        if (patchClient == null) {
            HttpClient.Builder builder = HttpClient.newBuilder();
            tls.ifPresent(builder::sslContext);
            patchClient = builder.connectTimeout(CONNECT)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method(
                        "PATCH",
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = patchClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return checked(new Answer(
                    response.statusCode(), response.body(), response.headers().firstValue("ETag"), response.uri()));
        } catch (java.net.http.HttpConnectTimeoutException | ConnectException e) {
            throw new NotConnected(e);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new SocketTimeoutException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CtlException.failed("interrupted while waiting for " + uri);
        }
    }

    private Answer checked(Answer answer) {
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
        if (e instanceof ConnectException
                && (message == null || message.isBlank() || message.equals("Connection refused"))) {
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
