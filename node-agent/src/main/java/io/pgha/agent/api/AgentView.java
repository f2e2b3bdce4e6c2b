package io.pgha.agent.api;

import io.pgha.agent.pg.PgState;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.events.Lsn;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the REST API answers from: the agent's last observation, as one immutable value.
 *
 * @param scope the cluster name
 * @param name this member
 * @param pg the last probe of PostgreSQL
 * @param leader the member the leader key names
 * @param leaderIsMine the leader key is this agent's (bound to its lease)
 * @param fenced the agent demoted itself for lack of lease renewals
 * @param leaderLsn the leader's last published WAL position
 * @param maximumLagOnFailover bytes (the readiness limit)
 * @param syncStandbys the members in the sync key
 * @param tags this member's tags
 * @param dcsLastSeenEpochSeconds when etcd last answered (wall clock, seconds)
 * @param loopAlive the loop ran recently
 * @param version the agent's version
 * @param paused the dynamic config's {@code pause} (maintenance), as last read
 * @param lastError the clone or rewind that failed last and is backed off, if any
 * @param cluster the last cluster snapshot the loop read from etcd (what {@code GET /cluster},
 *     {@code /history} and {@code /config} answer from); empty before the first read
 */
public record AgentView(
        String scope,
        String name,
        PgState pg,
        Optional<String> leader,
        boolean leaderIsMine,
        boolean fenced,
        Optional<Lsn> leaderLsn,
        long maximumLagOnFailover,
        Set<String> syncStandbys,
        Map<String, Object> tags,
        long dcsLastSeenEpochSeconds,
        boolean loopAlive,
        String version,
        boolean paused,
        Optional<LastError> lastError,
        Optional<ClusterSnapshot> cluster,
        FailsafeView failsafe) {

    /**
     * Failsafe mode as this agent stands (Patroni's {@code failsafe_mode_is_active}, {@code
     * patroni_failsafe_mode_enabled}, {@code patroni_failsafe_member}).
     *
     * @param enabled the dynamic config's {@code failsafe_mode}
     * @param active a primary running on failsafe rounds (etcd unreachable, every member confirmed it),
     *     or a replica that confirmed a primary over {@code POST /failsafe} within ttl
     * @param member this member is in the last {@code /failsafe} read
     */
    public record FailsafeView(boolean enabled, boolean active, boolean member) {
        public static final FailsafeView OFF = new FailsafeView(false, false, false);
    }

    public AgentView {
        failsafe = failsafe == null ? FailsafeView.OFF : failsafe;
    }

    /** A view without failsafe mode. */
    public AgentView(
            String scope,
            String name,
            PgState pg,
            Optional<String> leader,
            boolean leaderIsMine,
            boolean fenced,
            Optional<Lsn> leaderLsn,
            long maximumLagOnFailover,
            Set<String> syncStandbys,
            Map<String, Object> tags,
            long dcsLastSeenEpochSeconds,
            boolean loopAlive,
            String version,
            boolean paused,
            Optional<LastError> lastError,
            Optional<ClusterSnapshot> cluster) {
        this(
                scope,
                name,
                pg,
                leader,
                leaderIsMine,
                fenced,
                leaderLsn,
                maximumLagOnFailover,
                syncStandbys,
                tags,
                dcsLastSeenEpochSeconds,
                loopAlive,
                version,
                paused,
                lastError,
                cluster,
                FailsafeView.OFF);
    }

    /**
     * This view as the agent stands now. The view is refreshed at the end of each loop run, so while a
     * run steps this member down (a handover, a released leader key, a demotion) the last probe still
     * says primary: a member that is stepping down or no longer acts as primary is shown as not
     * writing at once, or a health check in that window would put it back into the read-write
     * rotation.
     *
     * @param fencedNow the agent demoted itself for lack of lease renewals
     * @param steppingDown a handover or a demotion is under way
     * @param actingPrimary the agent still acts as the primary
     * @param alive the loop ran recently
     */
    public AgentView asOfNow(boolean fencedNow, boolean steppingDown, boolean actingPrimary, boolean alive) {
        boolean notWriting = fencedNow || steppingDown || (pg.isPrimary() && !actingPrimary);
        if (notWriting == fenced && alive == loopAlive) {
            return this;
        }
        return new AgentView(
                scope,
                name,
                pg,
                leader,
                leaderIsMine,
                notWriting,
                leaderLsn,
                maximumLagOnFailover,
                syncStandbys,
                tags,
                dcsLastSeenEpochSeconds,
                alive,
                version,
                paused,
                lastError,
                cluster,
                failsafe);
    }

    /** Running as the primary that holds the leader key, and not fenced. */
    public boolean primaryOk() {
        return pg.isPrimary() && leaderIsMine && !fenced;
    }

    /** A running standby that is not fenced: what {@code /replica} and the other replica checks start from. */
    public boolean replicaOk() {
        return pg.isStandby() && !fenced;
    }

    /** A replica named in a FIRST sync key: a synchronous standby. */
    public boolean syncStandby() {
        return replicaOk() && syncStandbys.contains(name) && !quorumCommit();
    }

    /**
     * A replica that is a voter of a quorum sync key ({@code synchronous_mode: quorum}): Patroni's
     * quorum standby ({@code /quorum}, {@code /read-only-quorum}).
     */
    public boolean quorumStandby() {
        return replicaOk() && syncStandbys.contains(name) && quorumCommit();
    }

    /** Whether the last sync key read is a quorum record. */
    private boolean quorumCommit() {
        return cluster.flatMap(ClusterSnapshot::sync)
                .map(json -> {
                    try {
                        return io.pgha.core.SyncSet.fromJson(json).isQuorum();
                    } catch (IllegalArgumentException e) {
                        return false;
                    }
                })
                .orElse(false);
    }

    /** This member's most advanced WAL position as a replica. */
    public Optional<Lsn> replicaLsn() {
        Lsn best = null;
        for (Lsn lsn : new Lsn[] {pg.receiveLsn(), pg.replayLsn()}) {
            if (lsn != null) {
                if (best == null || lsn.compareTo(best) > 0) {
                    best = lsn;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Bytes behind the leader, when both positions are known. */
    public Optional<Long> lagBytes() {
        return behindLeader(replicaLsn());
    }

    /**
     * Bytes received behind the leader (Patroni's write lag, from {@code received_location}, which
     * falls back to the replayed position when nothing was received).
     */
    public Optional<Long> receiveLagBytes() {
        return lagBytes();
    }

    /** Bytes replayed behind the leader (Patroni's apply lag, from {@code replayed_location}). */
    public Optional<Long> replayLagBytes() {
        return behindLeader(Optional.ofNullable(pg.replayLsn()));
    }

    private Optional<Long> behindLeader(Optional<Lsn> position) {
        if (leaderLsn.isEmpty() || position.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Math.max(0, leaderLsn.get().minus(position.get())));
    }
}
