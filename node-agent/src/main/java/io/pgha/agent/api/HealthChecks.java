package io.pgha.agent.api;

import io.pgha.core.ByteSize;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Patroni's health-check endpoints as a pure function: the path and query of a request and the
 * agent's view give the status (200, 503, or 400 with the reason for a bad query).
 */
public final class HealthChecks {
    /** The paths answered with 200/503 (GET, HEAD and OPTIONS). */
    public static final List<String> PATHS = List.of(
            "/",
            "/primary",
            "/master",
            "/read-write",
            "/leader",
            "/replica",
            "/read-only",
            "/standby-leader",
            "/health",
            "/liveness",
            "/readiness",
            "/sync",
            "/synchronous",
            "/async",
            "/asynchronous",
            "/patroni");

    private HealthChecks() {}

    /** A check's outcome; {@code reason} is set for 400 and says what is wrong with the request. */
    public record Result(int status, String reason) {
        static Result of(boolean ok) {
            return new Result(ok ? 200 : 503, null);
        }
    }

    public static Result evaluate(String path, Map<String, List<String>> query, AgentView v) {
        Optional<Long> maxLag;
        try {
            maxLag = first(query, "lag").map(HealthChecks::parseLag);
        } catch (IllegalArgumentException e) {
            return new Result(400, "bad value for 'lag': " + e.getMessage());
        }
        boolean tagsMatch = tagsMatch(query, v.tags());
        boolean lagOk =
                maxLag.isEmpty() || v.lagBytes().map(lag -> lag <= maxLag.get()).orElse(false);
        boolean replica = v.replicaOk();
        boolean sync = v.syncStandby();
        return switch (path) {
            case "/", "/primary", "/master", "/read-write" -> Result.of(v.primaryOk() && tagsMatch);
            case "/leader" -> Result.of(v.leaderIsMine() && v.pg().running() && !v.fenced() && tagsMatch);
            case "/standby-leader" -> Result.of(false);
            case "/replica" -> Result.of(replica && !noloadbalance(v) && lagOk && tagsMatch);
            case "/read-only" -> Result.of((v.primaryOk() || replica) && lagOk && tagsMatch);
            case "/health" -> Result.of(v.pg().running() && v.pg().accepting());
            case "/liveness" -> Result.of(v.loopAlive());
            case "/readiness" -> Result.of(v.primaryOk()
                    || (replica
                            && v.lagBytes()
                                    .map(l -> l <= v.maximumLagOnFailover())
                                    .orElse(v.pg().streaming())));
            case "/sync", "/synchronous" -> Result.of(sync && lagOk && tagsMatch);
            case "/async", "/asynchronous" -> Result.of(replica && !sync && lagOk && tagsMatch);
            case "/patroni" -> Result.of(true);
            default -> new Result(404, "no such endpoint: " + path);
        };
    }

    /** Bytes, or a size with a unit ({@code 16MB}), as Patroni's {@code ?lag=} takes it. */
    public static long parseLag(String value) {
        return ByteSize.parse(value);
    }

    private static boolean noloadbalance(AgentView v) {
        return Boolean.TRUE.equals(v.tags().get("noloadbalance"));
    }

    private static boolean tagsMatch(Map<String, List<String>> query, Map<String, Object> tags) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!e.getKey().startsWith("tag_") || e.getValue().isEmpty()) {
                continue;
            }
            Object actual = tags.get(e.getKey().substring(4));
            String wanted = e.getValue().get(0);
            if (actual == null
                    || !String.valueOf(actual).toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
