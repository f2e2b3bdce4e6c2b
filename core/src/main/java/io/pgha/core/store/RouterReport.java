package io.pgha.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgha.core.Json;

/**
 * What a config-renderer reports under {@code /pgha/<cluster>/routers/<name>} once its HAProxy routes
 * by a topology: the topology's epoch and leader. The coordinator answers a switchover once every live
 * router reports the new leader at the new epoch or later.
 *
 * @param epoch the epoch (leader key revision) of the topology HAProxy now routes by
 * @param leader the leader that topology names, or null (no leader running as primary)
 * @param appliedAt when it was applied (ISO-8601), for people reading the key
 * @param pool true when this renderer also drives a PgBouncer pooler of the cluster (the coordinator
 *     then waits, bounded, for it to pause before a planned switchover); absent: false
 * @param pausedEpoch the epoch of the switchover this renderer's pooler is paused for (its running
 *     transactions finished, new ones held), absent when it is not paused
 * @param fenced the asynchronous fast failover's fence: this renderer's HAProxy (every worker, the ones
 *     a reload replaced included) has {@code member} in maintenance in the read-write backend and its
 *     sessions there shut down, for the {@code /detach} of {@code epoch}; absent when nothing is fenced
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouterReport(
        @JsonProperty("epoch") long epoch,
        @JsonProperty("leader") String leader,
        @JsonProperty("applied_at") String appliedAt,
        @JsonProperty("pool") Boolean pool,
        @JsonProperty("paused_epoch") Long pausedEpoch,
        @JsonProperty("fenced") Fenced fenced) {

    /**
     * A member fenced out of the read-write backend for the {@code /detach} of {@code epoch}, whose etcd
     * mod revision was {@code detachRevision} (so a fence done for an earlier, abandoned {@code /detach}
     * of the same epoch never counts for a later one).
     */
    public record Fenced(
            @JsonProperty("epoch") long epoch,
            @JsonProperty("member") String member,
            @JsonProperty("detach_revision") long detachRevision) {}

    /** A router without a pooler. */
    public RouterReport(long epoch, String leader, String appliedAt) {
        this(epoch, leader, appliedAt, null, null, null);
    }

    /** A router without a fence. */
    public RouterReport(long epoch, String leader, String appliedAt, Boolean pool, Long pausedEpoch) {
        this(epoch, leader, appliedAt, pool, pausedEpoch, null);
    }

    /** This report with {@code fence} (null: none). */
    public RouterReport withFenced(Fenced fence) {
        return new RouterReport(epoch, leader, appliedAt, pool, pausedEpoch, fence);
    }

    /**
     * True when this router has fenced {@code member} for the {@code /detach} of {@code detachEpoch} at mod
     * revision {@code detachRevision}.
     */
    public boolean hasFenced(String member, long detachEpoch, long detachRevision) {
        return fenced != null
                && fenced.epoch() == detachEpoch
                && fenced.detachRevision() == detachRevision
                && member.equals(fenced.member());
    }

    /** True when this router drives a pooler. */
    public boolean pooling() {
        return Boolean.TRUE.equals(pool);
    }

    /** True when its pooler is paused for the switchover that started at {@code epoch}. */
    public boolean pausedFor(long switchoverEpoch) {
        return pausedEpoch != null && pausedEpoch == switchoverEpoch;
    }

    /** True when this router sends writes to {@code leader} by a topology of {@code epoch} or later. */
    public boolean routes(String expectedLeader, long atLeastEpoch) {
        return epoch >= atLeastEpoch && expectedLeader.equals(leader);
    }

    public String toJson() {
        return Json.write(this);
    }

    public static RouterReport fromJson(String json, String key) {
        return Json.read(json, RouterReport.class, key);
    }
}
