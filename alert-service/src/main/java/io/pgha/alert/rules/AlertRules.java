package io.pgha.alert.rules;

import io.pgha.alert.rules.AlertState.MemberFacts;
import io.pgha.alert.rules.AlertState.Producer;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.ElectionEvent;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The rules: which alerts should fire for a cluster's facts at {@code now}, and what changes that
 * is against the alerts already firing. Pure: the caller applies events with {@link
 * StateUpdate#apply}, calls {@link #evaluate} after each event and on a timer, publishes the
 * changes and keeps {@link AlertState#withChanges}.
 */
public final class AlertRules {
    /** WalArchiveFailed kinds that mean a second writer in the repository. */
    static final Set<String> TIMELINE_CONFLICT_KINDS = Set.of("timeline-ahead", "conflict");

    private AlertRules() {}

    /**
     * The fired and resolved alerts: every alert that should fire and is not active is fired,
     * every active alert that should not fire any more is resolved with {@code endsAt = now}. The
     * same state and time give no change a second time (no flapping on repeated input).
     */
    public static List<AlertChange> evaluate(AlertState state, Thresholds t, Instant now) {
        Map<String, Alert> wanted = new TreeMap<>();
        for (Alert a : firing(state, t, now)) {
            wanted.putIfAbsent(a.fingerprint(), a);
        }
        List<AlertChange> changes = new ArrayList<>();
        wanted.forEach((fp, a) -> {
            if (!state.active().containsKey(fp)) {
                changes.add(new AlertChange.Fired(a));
            }
        });
        new TreeMap<>(state.active()).forEach((fp, a) -> {
            if (!wanted.containsKey(fp)) {
                changes.add(new AlertChange.Resolved(a, now));
            }
        });
        return changes;
    }

    /** Every alert whose condition holds at {@code now}, in a stable order. */
    public static List<Alert> firing(AlertState s, Thresholds t, Instant now) {
        Out out = new Out(s.cluster(), t);
        new TreeMap<>(s.members()).forEach((member, facts) -> memberRules(out, member, facts, t, now));
        notStreaming(out, s, t, now);
        syncStandbyMissing(out, s, t, now);
        noPrimary(out, s, t, now);
        twoPrimaries(out, s, t, now);
        happened(out, s, t, now);
        failoverFailed(out, s);
        archive(out, s, t, now);
        backups(out, s, t, now);
        poolSaturated(out, s, t, now);
        silent(out, s, t, now);
        return out.alerts;
    }

    private static void memberRules(Out out, String member, MemberFacts f, Thresholds t, Instant now) {
        NodeHealthObserved h = f.last();
        if (!h.reachable()) {
            if (h.errorClass() == ErrorClass.TOO_MANY_CONNECTIONS) {
                out.add(
                        AlertName.PghaConnectionsHigh,
                        member,
                        Severity.CRITICAL,
                        h.observedAt(),
                        member + " refuses connections: max_connections reached",
                        "The health-monitor's probe of " + member + " was refused with too_many_connections"
                                + " (SQLSTATE 53300): " + h.error());
            } else if (held(f.unreachableSince(), t.memberDownFor(), now)) {
                out.add(
                        AlertName.PghaMemberDown,
                        member,
                        null,
                        f.unreachableSince(),
                        member + " is down",
                        "The health-monitor cannot reach " + member + " since " + f.unreachableSince() + " ("
                                + h.errorClass().name().toLowerCase(java.util.Locale.ROOT) + ": " + h.error() + ").");
            }
            return;
        }
        if (h.role() == NodeRole.REPLICA) {
            if (h.lag() != null && h.lag() >= t.lagBytesWarning()) {
                Severity sev = h.lag() >= t.lagBytesCritical() ? Severity.CRITICAL : Severity.WARNING;
                long limit = sev == Severity.CRITICAL ? t.lagBytesCritical() : t.lagBytesWarning();
                out.add(
                        AlertName.PghaReplicationLagBytes,
                        member,
                        sev,
                        h.observedAt(),
                        member + " is " + h.lag() + " bytes of WAL behind the primary",
                        member + " replication lag is " + h.lag() + " bytes (limit " + limit + ").");
            }
            if (h.lagSeconds() != null && h.lagSeconds() >= t.lagSecondsWarning()) {
                Severity sev = h.lagSeconds() >= t.lagSecondsCritical() ? Severity.CRITICAL : Severity.WARNING;
                double limit = sev == Severity.CRITICAL ? t.lagSecondsCritical() : t.lagSecondsWarning();
                out.add(
                        AlertName.PghaReplicationLagSeconds,
                        member,
                        sev,
                        h.observedAt(),
                        member + " replays " + Math.round(h.lagSeconds()) + " s behind the primary",
                        member + " last replayed a transaction committed " + h.lagSeconds()
                                + " s ago on the primary (limit " + limit + " s).");
            }
        }
        if (h.connections() != null && h.maxConnections() != null && h.maxConnections() > 0) {
            double ratio = (double) h.connections() / h.maxConnections();
            if (ratio >= t.connectionsWarningRatio()) {
                Severity sev = ratio >= t.connectionsCriticalRatio() ? Severity.CRITICAL : Severity.WARNING;
                out.add(
                        AlertName.PghaConnectionsHigh,
                        member,
                        sev,
                        h.observedAt(),
                        member + " uses " + Math.round(ratio * 100) + " % of max_connections",
                        member + " has " + h.connections() + " of " + h.maxConnections() + " connections in use.");
            }
        }
    }

    private static void notStreaming(Out out, AlertState s, Thresholds t, Instant now) {
        if (s.topology() == null) {
            return;
        }
        for (var m : s.topology().members()) {
            Instant since = s.notStreamingSince().get(m.name());
            if (held(since, t.replicaNotStreamingFor(), now)) {
                out.add(
                        AlertName.PghaReplicaNotStreaming,
                        m.name(),
                        null,
                        since,
                        m.name() + " is not streaming from the primary",
                        "The topology shows replica " + m.name() + " in state '" + m.state() + "' (not streaming)"
                                + " since " + since + "; leader is "
                                + s.topology().leader() + ".");
            }
        }
    }

    private static void syncStandbyMissing(Out out, AlertState s, Thresholds t, Instant now) {
        Instant since = s.syncStandbyMissingSince();
        if (since == null || !held(since, t.syncStandbyMissingFor(), now)) {
            return;
        }
        out.add(
                AlertName.PghaSyncStandbyMissing,
                null,
                null,
                since,
                "no synchronous standby streaming in cluster " + s.cluster() + " while synchronous mode is on",
                "The topology shows synchronous mode on and the synchronous standby set "
                        + s.topology().syncStandbys()
                        + " with no member streaming from the leader "
                        + s.topology().leader()
                        + ": commits are not protected by a synchronous standby (or wait, with"
                        + " synchronous_mode_strict).");
    }

    private static void noPrimary(Out out, AlertState s, Thresholds t, Instant now) {
        if (held(s.noPrimarySince(), t.noPrimaryFor(), now)) {
            out.add(
                    AlertName.PghaNoPrimary,
                    null,
                    null,
                    s.noPrimarySince(),
                    "cluster " + s.cluster() + " has no primary",
                    "No member was probed as a reachable writable primary since " + s.noPrimarySince()
                            + "; the topology's leader is "
                            + (s.topology() == null ? "unknown" : s.topology().leader())
                            + ". Writes fail until a primary is back.");
        }
    }

    private static void twoPrimaries(Out out, AlertState s, Thresholds t, Instant now) {
        List<String> evidence = new ArrayList<>();
        Instant start = null;
        var tp = s.twoPrimaries();
        if (tp != null && now.isBefore(tp.lastSeen().plus(t.twoPrimariesHold()))) {
            evidence.add(tp.first() + " and " + tp.second() + " were both probed as writable primaries in"
                    + " overlapping observations (first " + tp.firstSeen() + ", last " + tp.lastSeen() + ")");
            start = tp.firstSeen();
        }
        var f = s.lastArchiveFailed();
        if (f != null && TIMELINE_CONFLICT_KINDS.contains(f.kind())) {
            evidence.add("WAL archiving of " + f.member() + " (timeline " + f.timeline() + ") reports " + f.kind()
                    + ": " + f.reason());
            start = start == null || f.occurredAt().isBefore(start) ? f.occurredAt() : start;
        }
        if (!evidence.isEmpty()) {
            out.add(
                    AlertName.PghaTwoPrimaries,
                    null,
                    null,
                    start,
                    "cluster " + s.cluster() + " may have two primaries (split brain)",
                    String.join("; ", evidence) + ".");
        }
    }

    private static void happened(Out out, AlertState s, Thresholds t, Instant now) {
        ElectionEvent.FailoverCompleted fc = s.lastFailoverCompleted();
        if (fc != null && now.isBefore(fc.occurredAt().plus(t.happenedHold()))) {
            out.add(
                    AlertName.PghaFailoverHappened,
                    null,
                    null,
                    fc.occurredAt(),
                    "failover: " + fc.leader() + " is the new primary of " + s.cluster(),
                    "Failover from " + fc.formerLeader() + " to " + fc.leader() + " completed at " + fc.occurredAt()
                            + " (timeline " + fc.timeline() + ", epoch " + fc.epoch() + ")"
                            + exclusions(fc.excluded()));
        }
        ElectionEvent.SwitchoverCompleted sc = s.lastSwitchoverCompleted();
        if (sc != null && now.isBefore(sc.occurredAt().plus(t.happenedHold()))) {
            out.add(
                    AlertName.PghaSwitchoverHappened,
                    null,
                    null,
                    sc.occurredAt(),
                    "switchover: " + sc.candidate() + " is the new primary of " + s.cluster(),
                    "Switchover from " + sc.leader() + " to " + sc.candidate() + " completed at " + sc.occurredAt()
                            + " (epoch " + sc.epoch() + ").");
        }
    }

    private static void failoverFailed(Out out, AlertState s) {
        ElectionEvent.FailoverFailed f = s.lastFailoverFailed();
        if (f != null) {
            out.add(
                    AlertName.PghaFailoverFailed,
                    null,
                    null,
                    f.occurredAt(),
                    "failover of " + s.cluster() + " failed",
                    "Failover from " + f.formerLeader() + " to " + f.candidate() + " failed at " + f.occurredAt() + ": "
                            + f.reason() + exclusions(f.excluded()));
        }
    }

    private static String exclusions(List<ElectionEvent.Exclusion> excluded) {
        if (excluded.isEmpty()) {
            return ".";
        }
        return ". Members that could not be chosen: "
                + excluded.stream().map(e -> e.member() + ": " + e.reason()).collect(Collectors.joining("; ")) + ".";
    }

    private static void archive(Out out, AlertState s, Thresholds t, Instant now) {
        var f = s.lastArchiveFailed();
        if (f != null) {
            out.add(
                    AlertName.PghaWalArchiveFailing,
                    null,
                    null,
                    f.occurredAt(),
                    "WAL archiving of " + s.cluster() + " fails",
                    "WAL archiving on " + f.member() + " fails (" + f.kind() + ", last failed " + f.lastFailedWal()
                            + ", " + f.failedCount() + " failed attempts, " + f.queued() + " files queued): "
                            + f.reason()
                            + ". WAL accumulates in pg_wal until it is fixed.");
        }
        boolean primaryRuns = s.members().values().stream().anyMatch(MemberFacts::reachablePrimary);
        Instant since = s.archiveAdvancedAt() != null ? s.archiveAdvancedAt() : s.firstSeenAt();
        if (primaryRuns && held(since, t.archiveStalledAfter(), now)) {
            var p = s.lastArchiveProgress();
            out.add(
                    AlertName.PghaWalArchiveStalled,
                    null,
                    null,
                    since,
                    "WAL archiving of " + s.cluster() + " made no progress since " + since,
                    "No WAL segment was archived for "
                            + Duration.between(since, now).toSeconds()
                            + " s while a primary runs; last archived: "
                            + (p == null ? "none seen" : p.lastArchivedWal()) + ".");
        }
    }

    private static void backups(Out out, AlertState s, Thresholds t, Instant now) {
        var failed = s.lastBackupFailed();
        if (failed != null) {
            out.add(
                    AlertName.PghaBaseBackupFailed,
                    null,
                    null,
                    failed.occurredAt(),
                    "base backup " + failed.backupId() + " of " + s.cluster() + " failed",
                    "Base backup " + failed.backupId() + " from " + failed.member() + " failed at "
                            + failed.occurredAt() + ": " + failed.reason());
        }
        var done = s.lastBackupCompleted();
        Instant since = done != null ? done.occurredAt() : s.firstSeenAt();
        if (held(since, t.backupOverdueAfter(), now)) {
            out.add(
                    AlertName.PghaBaseBackupOverdue,
                    null,
                    null,
                    since.plus(t.backupOverdueAfter()),
                    "no complete base backup of " + s.cluster() + " for "
                            + Duration.between(since, now).toHours() + " h",
                    done == null
                            ? "No complete base backup was seen since " + since + "."
                            : "The last complete base backup is " + done.backupId() + " of " + done.occurredAt() + ".");
        }
        var drill = s.lastDrillFailed();
        if (drill != null) {
            out.add(
                    AlertName.PghaRestoreDrillFailed,
                    null,
                    null,
                    drill.occurredAt(),
                    "restore drill " + drill.drillId() + " of " + s.cluster() + " failed",
                    "Restore drill " + drill.drillId() + " (backup " + drill.backupId() + ") failed at "
                            + drill.occurredAt() + ": " + drill.reason() + ". The backups may not be restorable.");
        }
    }

    /**
     * PghaPoolSaturated, per pooled database and user (poolers together, like the Prometheus rule that
     * aggregates away the instance): every reading of some pooler for {@code hold} showed its oldest
     * waiting client at the level or above (critical before warning). Readings older than
     * {@code staleAfter} do not count; a reading without waiting clients ends it.
     */
    private static void poolSaturated(Out out, AlertState s, Thresholds t, Instant now) {
        Thresholds.PoolSaturation ps = t.poolSaturation();
        Map<List<String>, List<AlertState.PoolFacts>> byPool =
                new TreeMap<>(java.util.Comparator.<List<String>, String>comparing(k -> k.get(0))
                        .thenComparing(k -> k.get(1)));
        s.pools().forEach((key, facts) -> {
            if (now.isBefore(facts.last().observedAt().plus(ps.staleAfter()))) {
                byPool.computeIfAbsent(List.of(key.database(), key.user()), k -> new ArrayList<>())
                        .add(facts);
            }
        });
        byPool.forEach((pool, facts) -> {
            facts.sort(java.util.Comparator.comparing(f -> f.last().pooler()));
            Instant critical = heldSince(facts, ps.waitCritical(), ps.hold(), now);
            Instant warning = critical != null ? null : heldSince(facts, ps.waitWarning(), ps.hold(), now);
            if (critical == null && warning == null) {
                return;
            }
            Severity sev = critical != null ? Severity.CRITICAL : Severity.WARNING;
            Duration level = critical != null ? ps.waitCritical() : ps.waitWarning();
            String name = pool.get(0) + "/" + pool.get(1);
            double worst = facts.stream()
                    .mapToDouble(f -> f.last().maxWaitSeconds())
                    .max()
                    .orElse(0);
            String readings = facts.stream()
                    .map(f -> f.last().pooler() + ": " + f.last().clientsWaiting() + " waiting, oldest "
                            + f.last().maxWaitSeconds() + " s, " + f.last().serverConnections() + " of "
                            + (f.last().poolSize() == null ? "?" : f.last().poolSize()) + " server connections")
                    .collect(Collectors.joining("; "));
            out.alerts.add(new Alert(
                    AlertName.PghaPoolSaturated,
                    s.cluster(),
                    null,
                    sev,
                    "clients of pool " + name + " wait " + Math.round(worst) + "s for a server connection",
                    "The oldest waiting client of pool " + name + " of " + s.cluster() + " has waited at least "
                            + level.toSeconds() + " s for a server connection for "
                            + ps.hold().toSeconds()
                            + " s: the pool is saturated (" + readings + ").",
                    t.runbookUrl(AlertName.PghaPoolSaturated),
                    critical != null ? critical : warning,
                    Map.of("database", pool.get(0), "user", pool.get(1))));
        });
    }

    /**
     * The earliest time from which every reading of one of the poolers showed the oldest waiting client
     * at {@code level} or above, when that has held for {@code hold}; else null.
     */
    private static Instant heldSince(List<AlertState.PoolFacts> facts, Duration level, Duration hold, Instant now) {
        double seconds = level.toNanos() / 1e9;
        Instant earliest = null;
        for (AlertState.PoolFacts f : facts) {
            Instant since = null;
            List<io.pgha.events.NodeHealthEvent.PoolUsageObserved> waiting = f.waiting();
            for (int i = waiting.size() - 1; i >= 0 && waiting.get(i).maxWaitSeconds() >= seconds; i--) {
                since = waiting.get(i).observedAt();
            }
            if (held(since, hold, now) && (earliest == null || since.isBefore(earliest))) {
                earliest = since;
            }
        }
        return earliest;
    }

    private static void silent(Out out, AlertState s, Thresholds t, Instant now) {
        silentOne(
                out,
                s,
                Producer.HEALTH_MONITOR,
                AlertName.PghaHealthMonitorSilent,
                t.healthMonitorSilentAfter(),
                "health-monitor",
                "pgha.node-health",
                now);
        silentOne(
                out,
                s,
                Producer.COORDINATOR,
                AlertName.PghaCoordinatorSilent,
                t.coordinatorSilentAfter(),
                "failover-coordinator",
                "pgha.topology / pgha.election",
                now);
    }

    private static void silentOne(
            Out out, AlertState s, Producer p, AlertName name, Duration after, String who, String topics, Instant now) {
        Instant last = s.lastEventAt().get(p);
        Instant since = last != null ? last : s.firstSeenAt();
        if (held(since, after, now)) {
            out.add(
                    name,
                    null,
                    null,
                    since.plus(after),
                    "no event from the " + who + " of " + s.cluster() + " for "
                            + Duration.between(since, now).toSeconds() + " s",
                    (last == null
                                    ? "No event on " + topics + " was ever seen"
                                    : "The last event on " + topics + " was at " + last)
                            + "; the " + who + " may be down or cut off from Kafka.");
        }
    }

    /** Whether a condition that began at {@code since} (null: does not hold) has held for {@code d}. */
    private static boolean held(Instant since, Duration d, Instant now) {
        return since != null && !now.isBefore(since.plus(d));
    }

    private static final class Out {
        final String cluster;
        final Thresholds t;
        final List<Alert> alerts = new ArrayList<>();

        Out(String cluster, Thresholds t) {
            this.cluster = cluster;
            this.t = t;
        }

        /** Adds an alert; {@code severity} null means the alert's configured one. */
        void add(
                AlertName name,
                String member,
                Severity severity,
                Instant startsAt,
                String summary,
                String description) {
            alerts.add(new Alert(
                    name,
                    cluster,
                    member,
                    severity == null ? t.severityOf(name) : severity,
                    summary,
                    description,
                    t.runbookUrl(name),
                    startsAt,
                    Map.of()));
        }
    }
}
