package io.pgha.local.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The one corpus of hostile input that every service's fuzz test sends: request bodies (malformed
 * JSON, JSON of the wrong type, wrong field types, huge values, deep nesting, control characters,
 * unicode oddities, raw bytes), odd path segments, odd headers and malformed requests. Each entry has
 * a name that the assertion messages repeat, so a failure says which input broke what.
 *
 * <p>Every body here is invalid for every JSON endpoint of pgha: an endpoint that accepts one with a
 * 2xx, or answers it with a 5xx, has a defect.
 */
public final class HostileInputs {
    /** One megabyte: far beyond any name, timestamp or setting pgha accepts. */
    public static final int HUGE = 1 << 20;

    /** Nesting depth of the deeply nested bodies: beyond Jackson's default limit (1000). */
    public static final int DEEP = 10_000;

    private HostileInputs() {}

    /** A named request body. */
    public record Body(String name, byte[] bytes) {
        public Body(String name, String text) {
            this(name, text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A named request header set (beside Host, Content-Length and Connection). */
    public record Headers(String name, Map<String, String> values) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Bodies that no pgha JSON endpoint may accept, for endpoints that take a JSON object of strings. */
    public static List<Body> bodies() {
        List<Body> bodies = new ArrayList<>();
        bodies.add(new Body("empty body", ""));
        bodies.add(new Body("whitespace only", " \n\t "));
        bodies.add(new Body("not JSON", "leader=pg-0&candidate=pg-1"));
        bodies.add(new Body("truncated JSON object", "{\"leader\": \"pg-0\""));
        bodies.add(new Body("unterminated string", "{\"leader\": \"pg-0"));
        bodies.add(new Body("trailing garbage", "{} {\"ttl\": 1} garbage"));
        bodies.add(new Body("JSON array", "[\"leader\", \"pg-0\"]"));
        bodies.add(new Body("JSON number", "42"));
        bodies.add(new Body("JSON string", "\"pg-0\""));
        bodies.add(new Body("JSON null", "null"));
        bodies.add(new Body("JSON true", "true"));
        bodies.add(new Body(
                "fields of the wrong type",
                "{\"leader\": 1, \"candidate\": [\"pg-1\"], \"scheduled_at\": {\"at\": 1}, \"ignore_lag\": \"yes\","
                        + " \"ttl\": \"thirty\", \"loop_wait\": [], \"pause\": \"maybe\"}"));
        bodies.add(new Body(
                "numbers out of any range",
                "{\"ttl\": 1e400, \"loop_wait\": 99999999999999999999999999, \"retry_timeout\": -1,"
                        + " \"maximum_lag_on_failover\": -9223372036854775809, \"leader\": 0.5}"));
        bodies.add(new Body("huge string value", "{\"leader\": \"" + "a".repeat(HUGE) + "\", \"candidate\": \"b\"}"));
        bodies.add(new Body("huge key", "{\"" + "k".repeat(HUGE) + "\": 1}"));
        bodies.add(new Body("deeply nested arrays", "[".repeat(DEEP) + "]".repeat(DEEP)));
        bodies.add(new Body("deeply nested objects", "{\"a\":".repeat(DEEP) + "1" + "}".repeat(DEEP)));
        bodies.add(new Body(
                "control characters and newlines in strings",
                "{\"leader\": \"pg-0\\nserver evil 10.0.0.66:5432\", \"candidate\": \"pg-1\\r\\nX-Injected: 1\","
                        + " \"scheduled_at\": \"\\u0000\", \"ttl\": {\"\\u0007\": 1}}"));
        bodies.add(new Body(
                "dynamic config: postgresql.conf injection through parameters",
                "{\"postgresql\": {\"parameters\": {\"work_mem\": \"1MB'\\narchive_command = 'rm -rf /\","
                        + " \"x = 1 #\": \"y\", \"port\": 1, \"shared_buffers\": {\"a\": [1]}}}}"));
        bodies.add(new Body(
                "dynamic config: wrong shapes and unsupported Patroni settings",
                "{\"postgresql\": \"on\", \"use_pg_rewind\": \"no\", \"standby_cluster\": {},"
                        + " \"synchronous_mode\": \"quorum\", \"slots\": [null]}"));
        bodies.add(new Body(
                "unicode oddities",
                "{\"leader\": \"\\ud800\", \"candidate\": \"\\u202epg-1\", \"scheduled_at\": \"\\ufeff2030-01-01T00:00:00Z\","
                        + " \"\\u0000\": \"\\uffff\"}"));
        bodies.add(new Body(
                "invalid UTF-8", new byte[] {'{', '"', 'l', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'}));
        bodies.add(new Body("random bytes with NUL", randomBytes(4096, 13)));
        bodies.add(new Body("duplicate keys", "{\"leader\": \"pg-0\", \"leader\": \"pg-1\", \"candidate\": \"x\"}"));
        bodies.add(new Body(
                "unknown members and fields",
                "{\"leader\": \"no-such-member\", \"candidate\": \"nobody\", \"zz\": 1}"));
        bodies.add(new Body(
                "a time far in the future and past",
                "{\"leader\": \"pg-0\", \"scheduled_at\": \"+999999999-12-31T23:59:59Z\", \"candidate\": \"x\"}"));
        bodies.add(new Body("JSON comment", "/* */ {\"leader\": \"pg-0\"}"));
        return List.copyOf(bodies);
    }

    /**
     * Odd values for a path segment (say, the {@code {cluster}} of {@code /api/v1/clusters/{cluster}}),
     * already as they go on the request line: percent-encoded traversal, encoded slashes, newlines,
     * CR LF header injection, NUL, invalid UTF-8, huge and unicode names. (Invalid percent escapes are
     * malformed URIs: see {@link #malformedRequests}.)
     */
    public static List<String> pathSegments() {
        return List.of(
                "no-such-cluster",
                "..%2f..%2f..%2fetc%2fpasswd",
                "%2e%2e",
                "..",
                "a%2Fb",
                "a%5Cb",
                "a%0Ab",
                "a%0D%0AX-Injected:%20yes",
                "%00",
                "a%00b",
                "%ff%fe",
                "%25",
                "a%20b",
                "%F0%9F%92%A9",
                "%E2%80%AEpg",
                "%C0%AF",
                "x".repeat(4000),
                "*",
                "a;b=c",
                "%7B%7D");
    }

    /** Header sets that are wrong in one way each; the caller adds what authorizes the request. */
    public static List<Headers> headers() {
        return List.of(
                new Headers("no Content-Type", Map.of()),
                new Headers("Content-Type text/plain", Map.of("Content-Type", "text/plain")),
                new Headers("Content-Type application/xml", Map.of("Content-Type", "application/xml")),
                new Headers("Content-Type garbage", Map.of("Content-Type", "no/such; charset=\"")),
                new Headers("unknown charset", Map.of("Content-Type", "application/json; charset=x-no-such")),
                new Headers("Accept application/xml", Map.of("Accept", "application/xml")),
                new Headers("Accept garbage", Map.of("Accept", ";;;,,q=x")),
                new Headers("huge header (64 KiB)", Map.of("X-Huge", "h".repeat(64 * 1024))),
                new Headers("many headers", manyHeaders(500)),
                new Headers("If-Match garbage", Map.of("If-Match", "\"\\\"no-revision")),
                new Headers("If-Match huge number", Map.of("If-Match", "99999999999999999999999999")),
                new Headers("Content-Encoding gzip (it is not)", Map.of("Content-Encoding", "gzip")),
                new Headers("non-ASCII header value", Map.of("X-Forwarded-For", "\u00ff\u00fe")));
    }

    /**
     * Authorization headers that must never authorize: missing, wrong scheme, empty, wrong, huge,
     * with control characters.
     */
    public static List<Headers> badAuthorizations() {
        return List.of(
                new Headers("no Authorization", Map.of()),
                new Headers("Basic scheme", Map.of("Authorization", "Basic dXNlcjpwYXNz")),
                new Headers("empty bearer", Map.of("Authorization", "Bearer ")),
                new Headers("wrong bearer", Map.of("Authorization", "Bearer wrong-token")),
                new Headers("huge bearer", Map.of("Authorization", "Bearer " + "t".repeat(7000))),
                new Headers("bearer with a tab", Map.of("Authorization", "Bearer \tt")));
    }

    /**
     * Malformed HTTP requests, as raw bytes: the server must refuse them (4xx or closing the
     * connection) and stay healthy. {@code path} is a path the service serves.
     */
    public static List<Body> malformedRequests(String path) {
        return List.of(
                new Body("garbage request line", "\u0001\u0002 nonsense\r\n\r\n"),
                new Body("unknown method", "BREW " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                new Body(
                        "invalid percent escape in the path",
                        "GET " + path + "/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                new Body(
                        "lone percent sign in the path",
                        "GET " + path + "/% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                new Body("space in path", "GET " + path + "/a b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                new Body(
                        "bad Content-Length",
                        "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: -5\r\n\r\n"),
                new Body(
                        "conflicting lengths",
                        "POST " + path
                                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\n"),
                new Body(
                        "bad chunk size",
                        "POST " + path
                                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                new Body(
                        "header without colon",
                        "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nNoColonHere\r\n\r\n"),
                new Body(
                        "huge request line",
                        "GET " + path + "?" + "q".repeat(64 * 1024)
                                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }

    private static Map<String, String> manyHeaders(int count) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            headers.put("X-Many-" + i, "v");
        }
        return headers;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        bytes[0] = 0;
        return bytes;
    }
}
