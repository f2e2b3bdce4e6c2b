package io.pgha.alert.rules;

import io.pgha.events.BackupEvent;
import io.pgha.events.ElectionEvent;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.PghaEvent;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Drives the pure rules like the service will: apply each event, evaluate, keep the changes. */
final class Sim {
    static final String CLUSTER = "c1";
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    final Thresholds thresholds;
    AlertState state;
    final List<AlertChange> all = new ArrayList<>();

    Sim() {
        this(Thresholds.defaults());
    }

    Sim(Thresholds thresholds) {
        this.thresholds = thresholds;
        this.state = AlertState.empty(CLUSTER, T0);
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    /** Applies the event at its own time and evaluates right after it. */
    List<AlertChange> on(PghaEvent event) {
        state = StateUpdate.apply(state, event, event.occurredAt());
        return eval(event.occurredAt());
    }

    List<AlertChange> eval(Instant now) {
        List<AlertChange> changes = AlertRules.evaluate(state, thresholds, now);
        state = state.withChanges(changes);
        all.addAll(changes);
        return changes;
    }

    List<AlertChange> eval(double seconds) {
        return eval(at(seconds));
    }

    List<String> activeNames() {
        return state.active().values().stream()
                .map(a -> a.name().name())
                .sorted()
                .toList();
    }

    static NodeHealthObserved primary(String member, double at) {
        return probe(member, at, NodeRole.PRIMARY, 0L, 0.0, 10, 100, 5);
    }

    static NodeHealthObserved replica(String member, double at) {
        return probe(member, at, NodeRole.REPLICA, 0L, 0.0, 10, 100, 5);
    }

    static NodeHealthObserved probe(
            String member,
            double at,
            NodeRole role,
            Long lag,
            Double lagSeconds,
            Integer conns,
            Integer max,
            long latencyMs) {
        return new NodeHealthObserved(
                CLUSTER,
                member,
                "hm-0",
                at(at),
                true,
                null,
                null,
                role,
                1,
                null,
                null,
                null,
                lag,
                lagSeconds,
                latencyMs,
                conns,
                max);
    }

    static NodeHealthObserved down(String member, double at) {
        return down(member, at, ErrorClass.CONNECTION_REFUSED);
    }

    static NodeHealthObserved down(String member, double at, ErrorClass error) {
        return new NodeHealthObserved(
                CLUSTER,
                member,
                "hm-0",
                at(at),
                false,
                error,
                "probe failed",
                NodeRole.UNKNOWN,
                null,
                null,
                null,
                null,
                null,
                null,
                3,
                null,
                null);
    }

    static TopologyChanged topology(double at, String leader, String... replicaStates) {
        List<Member> members = new ArrayList<>();
        if (leader != null) {
            members.add(new Member(leader, MemberRole.LEADER, "running", "127.0.0.1", 5432, null, 1, 0L, Map.of()));
        }
        for (int i = 0; i < replicaStates.length; i += 2) {
            members.add(new Member(
                    replicaStates[i],
                    MemberRole.REPLICA,
                    replicaStates[i + 1],
                    "127.0.0.1",
                    5433 + i,
                    null,
                    1,
                    0L,
                    Map.of()));
        }
        return new TopologyChanged(CLUSTER, 7, leader, members, List.of(), false, at(at));
    }

    /** {@link #topology} with synchronous mode as given ({@code null}: not said) and this sync set. */
    static TopologyChanged syncTopology(
            double at, Boolean synchronousMode, List<String> sync, String leader, String... replicaStates) {
        TopologyChanged t = topology(at, leader, replicaStates);
        return new TopologyChanged(
                t.cluster(), t.epoch(), t.leader(), t.members(), sync, t.pause(), t.occurredAt(), synchronousMode);
    }

    static ElectionEvent.FailoverCompleted failoverCompleted(double at, String from, String to) {
        return new ElectionEvent.FailoverCompleted(CLUSTER, 8, from, to, 2, List.of(), at(at));
    }

    static BackupEvent.WalArchiveProgress archived(double at, String wal) {
        return new BackupEvent.WalArchiveProgress(CLUSTER, 1, wal, null, 1, 0, null, at(at));
    }

    static BackupEvent.WalArchiveFailed archiveFailed(double at, String kind) {
        return new BackupEvent.WalArchiveFailed(
                CLUSTER, "pg-0", 1, kind, "000000010000000000000003", "repository says no", 3, 2, at(at));
    }

    static BackupEvent.BaseBackupCompleted backupCompleted(double at, String id) {
        return new BackupEvent.BaseBackupCompleted(
                CLUSTER,
                id,
                "pg-1",
                1,
                io.pgha.events.Lsn.parse("0/2000028"),
                io.pgha.events.Lsn.parse("0/2000100"),
                1000,
                at(at - 10),
                at(at));
    }

    static List<Alert> fired(List<AlertChange> changes) {
        return changes.stream()
                .filter(c -> c instanceof AlertChange.Fired)
                .map(AlertChange::alert)
                .toList();
    }

    static List<Alert> resolved(List<AlertChange> changes) {
        return changes.stream()
                .filter(c -> c instanceof AlertChange.Resolved)
                .map(AlertChange::alert)
                .toList();
    }

    static List<String> names(List<Alert> alerts) {
        return alerts.stream().map(a -> a.name().name()).sorted().toList();
    }
}
