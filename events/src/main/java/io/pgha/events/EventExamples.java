package io.pgha.events;

import io.pgha.events.AlertEvent.AlertFired;
import io.pgha.events.AlertEvent.AlertResolved;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.BackupEvent.BackupRemoved;
import io.pgha.events.BackupEvent.BaseBackupCompleted;
import io.pgha.events.BackupEvent.BaseBackupFailed;
import io.pgha.events.BackupEvent.BaseBackupStarted;
import io.pgha.events.BackupEvent.LogicalBackupCompleted;
import io.pgha.events.BackupEvent.LogicalBackupFailed;
import io.pgha.events.BackupEvent.RestoreCompleted;
import io.pgha.events.BackupEvent.RestoreDrillCompleted;
import io.pgha.events.BackupEvent.RestoreDrillFailed;
import io.pgha.events.BackupEvent.RestoreRequested;
import io.pgha.events.BackupEvent.WalArchiveFailed;
import io.pgha.events.BackupEvent.WalArchiveProgress;
import io.pgha.events.ElectionEvent.CoordinatorElected;
import io.pgha.events.ElectionEvent.Exclusion;
import io.pgha.events.ElectionEvent.FailoverCompleted;
import io.pgha.events.ElectionEvent.FailoverFailed;
import io.pgha.events.ElectionEvent.FailoverStarted;
import io.pgha.events.ElectionEvent.MemberDemoted;
import io.pgha.events.ElectionEvent.MemberPromoted;
import io.pgha.events.ElectionEvent.SwitchoverCompleted;
import io.pgha.events.ElectionEvent.SwitchoverFailed;
import io.pgha.events.ElectionEvent.SwitchoverStarted;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One realistic example of every event type, about cluster {@code demo} with members pg-0 (leader),
 * pg-1 (synchronous standby) and pg-2. Used by the contract's tests and handy in consumers' tests.
 */
public final class EventExamples {
    private static final Instant T = Instant.parse("2025-05-01T10:15:30.123Z");
    private static final List<Exclusion> EXCLUDED =
            List.of(new Exclusion("pg-2", "not in the synchronous standby set"));

    private EventExamples() {}

    /** One example per {@link EventType#ALL}, in the same order. */
    public static List<PghaEvent> all() {
        return List.of(
                nodeHealthObserved(),
                poolUsageObserved(),
                new CoordinatorElected("demo", 41, "failover-coordinator-1", T),
                new FailoverStarted("demo", 41, "pg-0", "leader key expired", "pg-1", EXCLUDED, T),
                new FailoverCompleted("demo", 42, "pg-0", "pg-1", 3, EXCLUDED, T.plusSeconds(4)),
                new FailoverFailed("demo", 41, "pg-0", "pg-1", "pg-1 did not promote within 30 s", EXCLUDED, T),
                new SwitchoverStarted("demo", 42, "pg-1", "pg-0", null, T),
                new SwitchoverCompleted("demo", 43, "pg-1", "pg-0", T.plusSeconds(3)),
                new SwitchoverFailed(
                        "demo", 42, "pg-1", "pg-0", "pg-0 is 52428800 bytes behind (maximum_lag_on_failover)", T),
                new MemberPromoted("demo", 42, "pg-1", 3, Lsn.parse("0/3000060"), T),
                new MemberDemoted("demo", 42, "pg-0", "leader lease lost, fenced", T),
                topologyChanged(),
                new BaseBackupStarted("demo", "20250501T101530Z", "pg-1", T),
                new BaseBackupCompleted(
                        "demo",
                        "20250501T101530Z",
                        "pg-1",
                        3,
                        Lsn.parse("0/5000028"),
                        Lsn.parse("0/5000138"),
                        31_457_280L,
                        T,
                        T.plusSeconds(12)),
                new BaseBackupFailed("demo", "20250501T101530Z", "pg-1", "pg_basebackup exited 1: no space left", T),
                new WalArchiveProgress("demo", 3, "000000030000000000000005", Lsn.parse("0/6000000"), 118, 0, null, T),
                new RestoreCompleted(
                        "demo",
                        "20250501T101530Z",
                        "pg-0",
                        T.plusSeconds(600),
                        null,
                        Lsn.parse("0/7A3F2C8"),
                        4,
                        T.plusSeconds(900)),
                new WalArchiveFailed(
                        "demo",
                        "pg-0",
                        3,
                        "conflict",
                        "000000030000000000000006",
                        "000000030000000000000006 is already archived with different content",
                        4,
                        7,
                        T),
                new BackupRemoved("demo", "20250401T101530Z", "not among the newest 2 complete backups", T),
                new RestoreRequested(
                        "demo", "r-20250501T103000Z", null, "time 2025-05-01T10:20:00Z", "demo-restored", T),
                new RestoreDrillCompleted(
                        "demo", "d-20250501T110000Z", "20250501T101530Z", T.plusSeconds(1200), 14.5, 3.2, 240, T),
                new RestoreDrillFailed(
                        "demo",
                        "d-20250501T110000Z",
                        "20250501T101530Z",
                        "replay: the restored instance did not promote within 10m",
                        T),
                new LogicalBackupCompleted("demo", "20250501T020000Z", "pg-1", 3, 52_428_800L, T),
                new LogicalBackupFailed(
                        "demo", "20250501T020000Z", "pg_dump of app failed (exit 1): permission denied", T),
                new AlertFired(
                        "demo",
                        "ReplicationLagHigh",
                        "5c2f0e1d9a7b3c44",
                        "pg-2",
                        Severity.WARNING,
                        "pg-2 is 64 MiB behind the leader",
                        Map.of("alertname", "ReplicationLagHigh", "cluster", "demo", "member", "pg-2"),
                        Map.of("runbook_url", "https://example.org/runbooks/replication-lag"),
                        T,
                        T.plusSeconds(60)),
                new AlertResolved(
                        "demo",
                        "ReplicationLagHigh",
                        "5c2f0e1d9a7b3c44",
                        "pg-2",
                        T,
                        T.plusSeconds(300),
                        T.plusSeconds(300)));
    }

    private static NodeHealthObserved nodeHealthObserved() {
        return new NodeHealthObserved(
                "demo",
                "pg-1",
                "health-monitor-0",
                T,
                true,
                null,
                null,
                NodeRole.REPLICA,
                2,
                null,
                Lsn.parse("0/3000060"),
                Lsn.parse("0/3000060"),
                0L,
                0.0,
                3,
                7,
                100);
    }

    /** Pool {@code app}/{@code app} of PgBouncer {@code renderer-0}: full, 3 clients waiting up to 6.5 s. */
    public static PoolUsageObserved poolUsageObserved() {
        return new PoolUsageObserved("demo", "renderer-0", "app", "app", T, 20, 3, 6.5, 20, 20L);
    }

    /** A failed probe, for consumers' tests. */
    public static NodeHealthObserved unreachable() {
        return new NodeHealthObserved(
                "demo",
                "pg-2",
                "health-monitor-0",
                T,
                false,
                ErrorClass.CONNECTION_REFUSED,
                "Connection to 10.0.0.13:5432 refused",
                NodeRole.UNKNOWN,
                null,
                null,
                null,
                null,
                null,
                null,
                2,
                null,
                null);
    }

    private static TopologyChanged topologyChanged() {
        return new TopologyChanged(
                "demo",
                42,
                "pg-1",
                List.of(
                        new Member(
                                "pg-0",
                                MemberRole.REPLICA,
                                "streaming",
                                "10.0.0.11",
                                5432,
                                "http://10.0.0.11:8008/patroni",
                                3,
                                0L,
                                Map.of()),
                        new Member(
                                "pg-1",
                                MemberRole.LEADER,
                                "running",
                                "10.0.0.12",
                                5432,
                                "http://10.0.0.12:8008/patroni",
                                3,
                                null,
                                Map.of()),
                        new Member(
                                "pg-2",
                                MemberRole.SYNC_STANDBY,
                                "streaming",
                                "10.0.0.13",
                                5432,
                                "http://10.0.0.13:8008/patroni",
                                3,
                                1024L,
                                Map.of("nofailover", false, "clonefrom", true))),
                List.of("pg-2"),
                false,
                T.plusSeconds(5),
                true);
    }
}
