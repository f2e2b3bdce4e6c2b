package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A planned handover at {@code /pgha/<cluster>/switchover} (Patroni's names): the current leader is
 * asked to hand over to {@code member}. While {@code scheduledAt} is set the switchover is only
 * scheduled: agents ignore it, and the coordinator rewrites it without the time once it is due.
 *
 * @param leader the member that holds the leader key now
 * @param member the member to hand over to
 * @param scheduledAt when it is due (ISO 8601 instant), or null when it is due now
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Switchover(
        @JsonProperty("leader") String leader,
        @JsonProperty("member") String member,
        @JsonProperty("scheduled_at") String scheduledAt) {

    /** A switchover that is due now. */
    public Switchover(String leader, String member) {
        this(leader, member, null);
    }

    public static Switchover fromJson(String json) {
        return Json.read(json, Switchover.class, "switchover key");
    }

    public String toJson() {
        return Json.write(this);
    }

    /** True while it waits for its time (agents leave it alone). */
    public boolean scheduled() {
        return scheduledAt != null && !scheduledAt.isBlank();
    }
}
