package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A planned handover at {@code /pgha/<cluster>/switchover} (Patroni's names): the current leader is
 * asked to hand over to {@code member}. While {@code scheduledAt} is set the switchover is only
 * scheduled: agents ignore it, and the coordinator rewrites it without the time once it is due.
 *
 * <p>{@code checkpoint} is pgha's own: the leader's agent writes it in the same etcd transaction that
 * deletes its leader key, and only after the candidate had received the old primary's shutdown
 * checkpoint. After that checkpoint no WAL can be written, so the candidate then holds every commit the
 * old primary ever acknowledged; with quorum commit this is what lets the coordinator promote it without
 * the quorum rule (failover-coordinator's DESIGN.md, "Quorum commit").
 *
 * @param leader the member that holds the leader key now
 * @param member the member to hand over to
 * @param scheduledAt when it is due (ISO 8601 instant), or null when it is due now
 * @param checkpoint the old primary's shutdown checkpoint the candidate received, once handed over; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Switchover(
        @JsonProperty("leader") String leader,
        @JsonProperty("member") String member,
        @JsonProperty("scheduled_at") String scheduledAt,
        @JsonProperty("checkpoint") String checkpoint) {

    /** A switchover that is due now. */
    public Switchover(String leader, String member) {
        this(leader, member, null, null);
    }

    /** A switchover not handed over yet, due at {@code scheduledAt} (null: now). */
    public Switchover(String leader, String member, String scheduledAt) {
        this(leader, member, scheduledAt, null);
    }

    /** The same switchover, handed over: the candidate received the old primary's shutdown checkpoint. */
    public Switchover handedOverAt(String shutdownCheckpoint) {
        return new Switchover(leader, member, null, shutdownCheckpoint);
    }

    public static Switchover fromJson(String json) {
        return Json.read(json, Switchover.class, "switchover key");
    }

    public String toJson() {
        return Json.write(this);
    }

    /** True once the old leader's agent released its key after the candidate received everything. */
    public boolean handedOver() {
        return checkpoint != null && !checkpoint.isBlank() && member != null;
    }

    /** True while it waits for its time (agents leave it alone). */
    public boolean scheduled() {
        return scheduledAt != null && !scheduledAt.isBlank();
    }
}
