package io.pgha.alert.rules;

import io.pgha.alert.rules.AlertState.MemberFacts;
import io.pgha.alert.rules.AlertState.PoolFacts;
import io.pgha.alert.rules.AlertState.PoolKey;
import io.pgha.alert.rules.AlertState.Producer;
import io.pgha.alert.rules.AlertState.TwoPrimariesEvidence;
import io.pgha.events.AlertEvent;
import io.pgha.events.BackupEvent;
import io.pgha.events.ElectionEvent;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import io.pgha.events.PghaEvent;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Folds one event into the facts of its cluster. Pure: no clock, no I/O. */
public final class StateUpdate {
    private StateUpdate() {}

    /**
     * The state after {@code event}.
     *
     * @param state the state of the event's cluster ({@link AlertState#empty} for the first event)
     * @param event any pgha event; alert events (our own output) change nothing
     * @param now when it is applied; no current rule uses it: every fact is timed by the event's own
     *     time, so replaying the same events gives the same state
     * @throws IllegalArgumentException when the event belongs to another cluster
     */
    public static AlertState apply(AlertState state, PghaEvent event, Instant now) {
        Objects.requireNonNull(now, "now");
        if (!state.cluster().equals(event.cluster())) {
            throw new IllegalArgumentException("event of cluster '" + event.cluster()
                    + "' applied to the alert state of cluster '" + state.cluster() + "'");
        }
        Builder b = new Builder(state);
        if (event instanceof AlertEvent) {
            return state;
        } else if (event instanceof NodeHealthObserved h) {
            health(b, h);
        } else if (event instanceof PoolUsageObserved p) {
            pool(b, p);
        } else if (event instanceof TopologyChanged t) {
            topology(b, t);
        } else if (event instanceof ElectionEvent e) {
            election(b, e);
        } else if (event instanceof BackupEvent e) {
            backup(b, e);
        }
        b.lastEventAt.merge(producerOf(event), event.occurredAt(), (a, c) -> a.isAfter(c) ? a : c);
        boolean judged = !b.members.isEmpty() || b.topology != null; // backup events alone say nothing about it
        b.noPrimarySince =
                !judged || hasPrimary(b) ? null : (b.noPrimarySince != null ? b.noPrimarySince : event.occurredAt());
        return b.build();
    }

    static Producer producerOf(PghaEvent event) {
        if (event instanceof NodeHealthObserved) {
            return Producer.HEALTH_MONITOR;
        } else if (event instanceof ElectionEvent || event instanceof TopologyChanged) {
            return Producer.COORDINATOR;
        } else if (event instanceof BackupEvent) {
            return Producer.BACKUP_SERVICE;
        } else if (event instanceof PoolUsageObserved) {
            return Producer.CONFIG_RENDERER;
        }
        throw new IllegalArgumentException(
                "no producer rule for " + event.getClass().getSimpleName());
    }

    private static void health(Builder b, NodeHealthObserved h) {
        MemberFacts before = b.members.get(h.member());
        if (before != null && h.observedAt().isBefore(before.last().observedAt())) {
            return; // late or replayed probe: the newer one stands
        }
        Instant unreachableSince = h.reachable()
                ? null
                : before != null && before.unreachableSince() != null ? before.unreachableSince() : h.observedAt();
        Instant from = null;
        Instant to = null;
        if (h.reachable() && h.role() == io.pgha.events.NodeHealthEvent.NodeRole.PRIMARY) {
            boolean continues = before != null && before.primaryFrom() != null;
            from = continues ? before.primaryFrom() : h.observedAt().minusMillis(Math.max(0, h.probeLatencyMs()));
            to = h.observedAt();
        }
        b.members.put(h.member(), new MemberFacts(h, unreachableSince, from, to));
        if (from != null) {
            twoPrimaries(b, h.member(), from, to, h.observedAt());
        }
    }

    /**
     * A pool reading: the newest stands (a late one is ignored); while clients wait the readings are
     * kept (at most {@link PoolFacts#MAX_WAITING_READINGS}), a reading without waiting clients clears them.
     */
    private static void pool(Builder b, PoolUsageObserved p) {
        PoolKey key = new PoolKey(p.pooler(), p.database(), p.user());
        PoolFacts before = b.pools.get(key);
        if (before != null && p.observedAt().isBefore(before.last().observedAt())) {
            return;
        }
        java.util.List<PoolUsageObserved> waiting = new java.util.ArrayList<>();
        if (p.clientsWaiting() > 0) {
            if (before != null) {
                waiting.addAll(before.waiting());
            }
            waiting.add(p);
            if (waiting.size() > PoolFacts.MAX_WAITING_READINGS) {
                waiting.subList(0, waiting.size() - PoolFacts.MAX_WAITING_READINGS)
                        .clear();
            }
        }
        b.pools.put(key, new PoolFacts(p, waiting));
    }

    /**
     * A writable-primary run of {@code member} over [from, to] that overlaps another member's run
     * is evidence of two primaries. Runs end at their last probe, never at "now", so the old
     * primary of a switchover (last seen primary before it was demoted) never overlaps the new one.
     */
    private static void twoPrimaries(Builder b, String member, Instant from, Instant to, Instant seen) {
        for (Map.Entry<String, MemberFacts> other : b.members.entrySet()) {
            MemberFacts o = other.getValue();
            if (other.getKey().equals(member) || o.primaryFrom() == null) {
                continue;
            }
            boolean overlap = !from.isAfter(o.primaryTo()) && !o.primaryFrom().isAfter(to);
            if (overlap) {
                String first = member.compareTo(other.getKey()) < 0 ? member : other.getKey();
                String second = first.equals(member) ? other.getKey() : member;
                TwoPrimariesEvidence prev = b.twoPrimaries;
                Instant firstSeen = prev != null
                                && prev.first().equals(first)
                                && prev.second().equals(second)
                        ? prev.firstSeen()
                        : seen;
                b.twoPrimaries = new TwoPrimariesEvidence(first, second, firstSeen, seen);
            }
        }
    }

    private static void topology(Builder b, TopologyChanged t) {
        if (b.topology != null && t.occurredAt().isBefore(b.topology.occurredAt())) {
            return;
        }
        b.topology = t;
        Map<String, Instant> next = new HashMap<>();
        for (var m : t.members()) {
            boolean replica = m.role() == MemberRole.REPLICA
                    || m.role() == MemberRole.SYNC_STANDBY
                    || m.role() == MemberRole.QUORUM_STANDBY;
            if (replica && !"streaming".equals(m.state())) {
                next.put(m.name(), b.notStreamingSince.getOrDefault(m.name(), t.occurredAt()));
            }
        }
        b.notStreamingSince = next;
        b.syncStandbyMissingSince =
                syncStandbyMissing(t) ? firstNonNull(b.syncStandbyMissingSince, t.occurredAt()) : null;
        if (!t.members().isEmpty()) {
            // members removed from the cluster stop being watched (their alerts resolve)
            Set<String> names = new java.util.HashSet<>();
            t.members().forEach(m -> names.add(m.name()));
            b.members.keySet().retainAll(names);
        }
        if (t.leader() != null
                && b.lastFailoverFailed != null
                && t.occurredAt().isAfter(b.lastFailoverFailed.occurredAt())) {
            b.lastFailoverFailed = null;
        }
    }

    private static void election(Builder b, ElectionEvent e) {
        // started, promoted, demoted, elected: the coordinator is alive, nothing else to keep
        if (e instanceof ElectionEvent.FailoverCompleted c) {
            b.lastFailoverCompleted = c;
            b.lastFailoverFailed = null;
        } else if (e instanceof ElectionEvent.SwitchoverCompleted c) {
            b.lastSwitchoverCompleted = c;
        } else if (e instanceof ElectionEvent.FailoverFailed f) {
            b.lastFailoverFailed = f;
        }
    }

    private static void backup(Builder b, BackupEvent e) {
        // started, removed, restores, logical backups: no rule reads them yet
        if (e instanceof BackupEvent.WalArchiveProgress p) {
            var prev = b.lastArchiveProgress;
            boolean advanced = p.lastArchivedWal() != null
                    && (prev == null || !p.lastArchivedWal().equals(prev.lastArchivedWal()));
            if (advanced) {
                b.archiveAdvancedAt = p.occurredAt();
                if (b.lastArchiveFailed != null && p.occurredAt().isAfter(b.lastArchiveFailed.occurredAt())) {
                    b.lastArchiveFailed = null;
                }
            }
            b.lastArchiveProgress = p;
        } else if (e instanceof BackupEvent.WalArchiveFailed f) {
            b.lastArchiveFailed = f;
        } else if (e instanceof BackupEvent.BaseBackupCompleted c) {
            b.lastBackupCompleted = c;
            b.lastBackupFailed = null;
        } else if (e instanceof BackupEvent.BaseBackupFailed f) {
            b.lastBackupFailed = f;
        } else if (e instanceof BackupEvent.RestoreDrillCompleted) {
            b.lastDrillFailed = null;
        } else if (e instanceof BackupEvent.RestoreDrillFailed f) {
            b.lastDrillFailed = f;
        }
    }

    /**
     * A primary is known when a member's last probe reached a writable primary, or, with no probe
     * of the topology's leader yet, when the topology names one.
     */
    private static boolean hasPrimary(Builder b) {
        if (b.members.values().stream().anyMatch(MemberFacts::reachablePrimary)) {
            return true;
        }
        return b.topology != null && b.topology.leader() != null && !b.members.containsKey(b.topology.leader());
    }

    /**
     * Synchronous mode is on (the topology says so), a leader runs, and no member of the synchronous
     * standby set other than the leader is shown streaming. A topology that does not say whether
     * synchronous mode is on never counts.
     */
    static boolean syncStandbyMissing(TopologyChanged t) {
        if (!Boolean.TRUE.equals(t.synchronousMode()) || t.leader() == null) {
            return false;
        }
        return t.members().stream()
                .noneMatch(m -> !m.name().equals(t.leader())
                        && t.syncStandbys().contains(m.name())
                        && "streaming".equals(m.state()));
    }

    private static Instant firstNonNull(Instant a, Instant b) {
        return a != null ? a : b;
    }

    private static final class Builder {
        final AlertState s;
        final Map<String, MemberFacts> members;
        TopologyChanged topology;
        Map<String, Instant> notStreamingSince;
        Instant noPrimarySince;
        Instant syncStandbyMissingSince;
        TwoPrimariesEvidence twoPrimaries;
        ElectionEvent.FailoverCompleted lastFailoverCompleted;
        ElectionEvent.SwitchoverCompleted lastSwitchoverCompleted;
        ElectionEvent.FailoverFailed lastFailoverFailed;
        BackupEvent.WalArchiveProgress lastArchiveProgress;
        Instant archiveAdvancedAt;
        BackupEvent.WalArchiveFailed lastArchiveFailed;
        BackupEvent.BaseBackupCompleted lastBackupCompleted;
        BackupEvent.BaseBackupFailed lastBackupFailed;
        BackupEvent.RestoreDrillFailed lastDrillFailed;
        final Map<PoolKey, PoolFacts> pools;
        final Map<Producer, Instant> lastEventAt;

        Builder(AlertState s) {
            this.s = s;
            members = new HashMap<>(s.members());
            topology = s.topology();
            notStreamingSince = new HashMap<>(s.notStreamingSince());
            noPrimarySince = s.noPrimarySince();
            syncStandbyMissingSince = s.syncStandbyMissingSince();
            twoPrimaries = s.twoPrimaries();
            lastFailoverCompleted = s.lastFailoverCompleted();
            lastSwitchoverCompleted = s.lastSwitchoverCompleted();
            lastFailoverFailed = s.lastFailoverFailed();
            lastArchiveProgress = s.lastArchiveProgress();
            archiveAdvancedAt = s.archiveAdvancedAt();
            lastArchiveFailed = s.lastArchiveFailed();
            lastBackupCompleted = s.lastBackupCompleted();
            lastBackupFailed = s.lastBackupFailed();
            lastDrillFailed = s.lastDrillFailed();
            pools = new HashMap<>(s.pools());
            lastEventAt = new HashMap<>(s.lastEventAt());
        }

        AlertState build() {
            return new AlertState(
                    s.cluster(),
                    s.firstSeenAt(),
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
                    s.active());
        }
    }
}
