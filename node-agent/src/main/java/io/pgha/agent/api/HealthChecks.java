package io.pgha.agent.api;

import io.pgha.core.ByteSize;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Patroni's health-check endpoints as a pure function: the path and query of a request and the
 * agent's view give the status (200, 503, or 400 with the reason for a bad query). The rules follow
 * Patroni 4's {@code RestApiHandler.do_GET}: {@code ?tag_<key>=<value>} filters every check except the
 * leader and primary ones, and a replica check (lag, {@code replication_state}, {@code noloadbalance})
 * never takes the primary out of {@code /read-only}.
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
            "/standby_leader",
            "/health",
            "/liveness",
            "/readiness",
            "/sync",
            "/synchronous",
            "/read-only-sync",
            "/read-only-synchronous",
            "/quorum",
            "/read-only-quorum",
            "/async",
            "/asynchronous",
            "/patroni");

    /** Paths that check the leader or the primary: Patroni ignores tag filters on them. */
    private static final Set<String> LEADER_PATHS =
            Set.of("/", "/primary", "/master", "/read-write", "/leader", "/standby-leader", "/standby_leader");

    /** The values {@code ?replication_state=} can match (Patroni's, and the WAL receiver's states pgha reports). */
    static final Set<String> REPLICATION_STATES =
            Set.of("streaming", "in archive recovery", "stopped", "starting", "waiting", "restarting", "stopping");

    private HealthChecks() {}

    /** A check's outcome; {@code reason} is set for 400 and says what is wrong with the request. */
    public record Result(int status, String reason) {
        static Result of(boolean ok) {
            return new Result(ok ? 200 : 503, null);
        }
    }

    /** The parsed query: a blank value counts as absent, as in Patroni ({@code parse_qs}). */
    private record Query(Optional<Long> lag, Optional<String> replicationState, Optional<String> mode) {}

    public static Result evaluate(String path, Map<String, List<String>> query, AgentView v) {
        Query q;
        try {
            q = parse(query);
        } catch (IllegalArgumentException e) {
            return new Result(400, e.getMessage());
        }
        if (!PATHS.contains(path)) {
            return new Result(404, "no such endpoint: " + path);
        }
        if (path.equals("/liveness")) {
            return Result.of(v.paused() || v.loopAlive());
        }
        if (path.equals("/readiness")) {
            return Result.of(ready(q, v));
        }
        if (path.equals("/patroni")) {
            return Result.of(true);
        }
        boolean primary = v.primaryOk();
        boolean replica = replicaStatus(q, v);
        boolean sync = v.syncStandby();
        boolean quorum = v.quorumStandby();
        boolean ok =
                switch (path) {
                    case "/", "/primary", "/master", "/read-write" -> primary;
                    case "/leader" -> v.leaderIsMine() && v.pg().running() && !v.fenced();
                    case "/standby-leader", "/standby_leader" -> false; // pgha has no standby clusters
                    case "/replica" -> replica;
                    case "/read-only" -> primary || replica;
                    case "/health" -> v.pg().running() && v.pg().accepting();
                    case "/sync", "/synchronous" -> sync && replica;
                    case "/read-only-sync", "/read-only-synchronous" -> primary || (sync && replica);
                    case "/quorum" -> quorum && replica;
                    case "/read-only-quorum" -> primary || (quorum && replica);
                    case "/async", "/asynchronous" -> !sync && !quorum && replica;
                    default -> throw new IllegalStateException("a path in PATHS without a rule: " + path);
                };
        return Result.of(ok && (LEADER_PATHS.contains(path) || tagsMatch(query, v.tags())));
    }

    /**
     * Patroni's {@code replica_status_code}: a running, unfenced standby without {@code noloadbalance},
     * within {@code ?lag=} (bytes between the leader's position and what this member replayed) and in
     * the {@code ?replication_state=} asked for.
     */
    private static boolean replicaStatus(Query q, AgentView v) {
        boolean lagOk = q.lag().isEmpty()
                || v.replayLagBytes().map(lag -> lag <= q.lag().get()).orElse(false);
        boolean stateOk =
                q.replicationState().isEmpty() || q.replicationState().equals(PatroniStatus.replicationState(v.pg()));
        return v.replicaOk() && !noloadbalance(v) && lagOk && stateOk;
    }

    /**
     * Patroni's {@code /readiness}: the leader is ready; a replica is ready while it streams and is
     * within {@code ?lag=} (default: maximum_lag_on_failover) of the leader, counted on what it
     * replayed ({@code mode=apply}, the default) or received ({@code mode=write}).
     */
    private static boolean ready(Query q, AgentView v) {
        if (v.leaderIsMine() && !v.fenced()) {
            return true;
        }
        if (!v.pg().running() || !v.pg().accepting() || !v.pg().streaming()) {
            return false;
        }
        long limit = q.lag().orElse(v.maximumLagOnFailover());
        Optional<Long> lag = q.mode().orElse("apply").equals("write") ? v.receiveLagBytes() : v.replayLagBytes();
        return lag.map(l -> l <= limit).orElse(false);
    }

    private static Query parse(Map<String, List<String>> query) {
        Optional<Long> lag;
        try {
            lag = first(query, "lag").map(HealthChecks::parseLag);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value for 'lag': " + e.getMessage());
        }
        Optional<String> state = first(query, "replication_state");
        if (state.isPresent() && !REPLICATION_STATES.contains(state.get())) {
            throw new IllegalArgumentException("bad value for 'replication_state': '" + shown(state.get())
                    + "' (one of streaming, in archive recovery, stopped, starting, waiting, restarting, stopping)");
        }
        Optional<String> mode = first(query, "mode");
        if (mode.isPresent() && !mode.get().equals("apply") && !mode.get().equals("write")) {
            throw new IllegalArgumentException("bad value for 'mode': '" + shown(mode.get()) + "' (apply or write)");
        }
        return new Query(lag, state, mode);
    }

    /** Bytes, or a size with a unit ({@code 16MB}), as Patroni's {@code ?lag=} takes it. */
    public static long parseLag(String value) {
        return ByteSize.parse(value);
    }

    /**
     * Whether the loop counts as alive for {@code /liveness}, as Patroni decides it: the next run was due
     * {@code loopWait} after the last one ended, and may be late by {@code ttl} on a running primary and
     * by twice {@code ttl} elsewhere (a stuck primary's lease expires after {@code ttl} anyway).
     */
    public static boolean loopAlive(
            boolean runningPrimary,
            java.time.Duration sinceLastRun,
            java.time.Duration loopWait,
            java.time.Duration ttl) {
        java.time.Duration limit = loopWait.plus(runningPrimary ? ttl : ttl.multipliedBy(2));
        return sinceLastRun.compareTo(limit) < 0;
    }

    private static boolean noloadbalance(AgentView v) {
        return Boolean.TRUE.equals(v.tags().get("noloadbalance"));
    }

    /**
     * Patroni's tag filter: every {@code tag_<key>} must name a tag of this member whose value, as text
     * (a boolean or number in lower case, as Python's {@code str(value).lower()}), equals the query value
     * exactly; a blank query value is ignored.
     */
    static boolean tagsMatch(Map<String, List<String>> query, Map<String, Object> tags) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!e.getKey().startsWith("tag_")) {
                continue;
            }
            Optional<String> wanted = first(query, e.getKey());
            if (wanted.isEmpty()) {
                continue;
            }
            Object actual = tags.get(e.getKey().substring(4));
            if (actual == null) {
                return false;
            }
            String text =
                    actual instanceof String s ? s : String.valueOf(actual).toLowerCase(java.util.Locale.ROOT);
            if (!text.equals(wanted.get())) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() || values.get(0).isEmpty()
                ? Optional.empty()
                : Optional.of(values.get(0));
    }

    private static String shown(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 100 ? printable.substring(0, 100) + "…" : printable;
    }
}
