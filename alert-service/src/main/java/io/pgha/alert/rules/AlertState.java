package io.pgha.alert.rules;

import io.pgha.events.BackupEvent;
import io.pgha.events.ElectionEvent;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.Map;

/**
 * What the rules know about one cluster: the facts they need from the event streams, and the
 * alerts currently firing. Immutable; {@link StateUpdate#apply} makes the next one.
 *
 * @param cluster the cluster
 * @param firstSeenAt when the first event of this cluster was applied (start of "never seen" clocks)
 * @param members per member: its last probe and the derived facts
 * @param topology the last topology, or null
 * @param notStreamingSince per replica the topology shows not streaming: since when
 * @param noPrimarySince since when no reachable primary is known, or null while there is one
 * @param syncStandbyMissingSince since when the topology shows synchronous mode on and no synchronous
 *     standby streaming, or null
 * @param twoPrimaries the last evidence of two writable primaries from health probes, or null
 * @param lastFailoverCompleted the last failover completed, or null
 * @param lastSwitchoverCompleted the last switchover completed, or null
 * @param lastFailoverFailed the last failover failure not followed by a leader, or null
 * @param lastArchiveProgress the last WAL archive progress, or null
 * @param archiveAdvancedAt when the last archived segment last changed, or null
 * @param lastArchiveFailed the last WAL archive failure not followed by an archived segment, or null
 * @param lastBackupCompleted the last complete base backup, or null
 * @param lastBackupFailed the last base backup failure not followed by a complete one, or null
 * @param lastDrillFailed the last restore drill failure not followed by a passed one, or null
 * @param pools per pool of each pooler, its last reading and the readings of its current wait
 * @param lastEventAt per producer, the newest event time seen from it
 * @param active the alerts firing, by fingerprint
 */
public record AlertState(
        String cluster,
        Instant firstSeenAt,
        Map<String, MemberFacts> members,
        TopologyChanged topology,
        Map<String, Instant> notStreamingSince,
        Instant noPrimarySince,
        Instant syncStandbyMissingSince,
        TwoPrimariesEvidence twoPrimaries,
        ElectionEvent.FailoverCompleted lastFailoverCompleted,
        ElectionEvent.SwitchoverCompleted lastSwitchoverCompleted,
        ElectionEvent.FailoverFailed lastFailoverFailed,
        BackupEvent.WalArchiveProgress lastArchiveProgress,
        Instant archiveAdvancedAt,
        BackupEvent.WalArchiveFailed lastArchiveFailed,
        BackupEvent.BaseBackupCompleted lastBackupCompleted,
        BackupEvent.BaseBackupFailed lastBackupFailed,
        BackupEvent.RestoreDrillFailed lastDrillFailed,
        Map<PoolKey, PoolFacts> pools,
        Map<Producer, Instant> lastEventAt,
        Map<String, Alert> active) {

    public AlertState {
        members = Map.copyOf(members);
        notStreamingSince = Map.copyOf(notStreamingSince);
        pools = Map.copyOf(pools);
        lastEventAt = Map.copyOf(lastEventAt);
        active = Map.copyOf(active);
    }

    /** Who publishes an event: the silence rules watch each. */
    public enum Producer {
        HEALTH_MONITOR,
        COORDINATOR,
        BACKUP_SERVICE,
        /** Publishes pool readings (no silence rule: PghaPoolerDown is Prometheus's). */
        CONFIG_RENDERER
    }

    /** One pool of one pooler. */
    public record PoolKey(String pooler, String database, String user) {}

    /**
     * What is known of one pool.
     *
     * @param last the newest reading
     * @param waiting the readings since the last one without waiting clients, oldest first, at most
     *     {@link #MAX_WAITING_READINGS} (the oldest dropped): what the saturation rule's hold is judged on
     */
    public record PoolFacts(PoolUsageObserved last, java.util.List<PoolUsageObserved> waiting) {
        /** Readings kept per pool while clients wait (at the 5 s default read interval: 10 minutes). */
        public static final int MAX_WAITING_READINGS = 120;

        public PoolFacts {
            waiting = java.util.List.copyOf(waiting);
        }
    }

    /**
     * One member's last probe and what follows from the probes before it.
     *
     * @param last the newest probe
     * @param unreachableSince the first failed probe of the current run of failures, or null
     * @param primaryFrom the first probe of the current run of writable-primary probes, or null
     * @param primaryTo the last probe of that run, or null
     */
    public record MemberFacts(
            NodeHealthObserved last, Instant unreachableSince, Instant primaryFrom, Instant primaryTo) {
        /** Whether the last probe reached a writable primary. */
        public boolean reachablePrimary() {
            return last.reachable() && last.role() == io.pgha.events.NodeHealthEvent.NodeRole.PRIMARY;
        }
    }

    /**
     * Two members were seen as writable primaries in overlapping observation windows.
     *
     * @param first one member (alphabetically first)
     * @param second the other
     * @param firstSeen when the overlap was first seen (the later of the two probes)
     * @param lastSeen when it was last seen
     */
    public record TwoPrimariesEvidence(String first, String second, Instant firstSeen, Instant lastSeen) {}

    /** A cluster nothing is known about yet; {@code now} starts its "never seen" clocks. */
    public static AlertState empty(String cluster, Instant now) {
        return new AlertState(
                cluster, now, Map.of(), null, Map.of(), null, null, null, null, null, null, null, null, null, null,
                null, null, Map.of(), Map.of(), Map.of());
    }

    /** This state with the changes of an evaluation applied to the active set. */
    public AlertState withChanges(java.util.List<AlertChange> changes) {
        java.util.HashMap<String, Alert> next = new java.util.HashMap<>(active);
        for (AlertChange change : changes) {
            if (change instanceof AlertChange.Fired f) {
                next.put(f.alert().fingerprint(), f.alert());
            } else {
                next.remove(change.alert().fingerprint());
            }
        }
        return new AlertState(
                cluster,
                firstSeenAt,
                members,
                topology,
                notStreamingSince,
                noPrimarySince,
                syncStandbyMissingSince,
                twoPrimaries,
                lastFailoverCompleted,
                lastSwitchoverCompleted,
                lastFailoverFailed,
                lastArchiveProgress,
                archiveAdvancedAt,
                lastArchiveFailed,
                lastBackupCompleted,
                lastBackupFailed,
                lastDrillFailed,
                pools,
                lastEventAt,
                next);
    }
}
