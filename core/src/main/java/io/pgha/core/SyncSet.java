package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The synchronous standby set at {@code /pgha/<cluster>/sync} (Patroni's format): the leader it was
 * chosen for and the members, comma-separated, that must acknowledge every commit.
 */
public record SyncSet(@JsonProperty("leader") String leader, @JsonProperty("sync_standby") String syncStandby) {

    public static SyncSet fromJson(String json) {
        return Json.read(json, SyncSet.class, "sync key");
    }

    public String toJson() {
        return Json.write(this);
    }

    /** The members in the set (empty when none). */
    public List<String> members() {
        if (syncStandby == null || syncStandby.isBlank()) {
            return List.of();
        }
        return Arrays.stream(syncStandby.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /**
     * The {@code synchronous_standby_names} that makes every member of the set acknowledge each commit
     * (so any of them can be promoted without losing one): {@code FIRST n ("a","b")}, or empty.
     */
    public String standbyNames() {
        List<String> members = members();
        if (members.isEmpty()) {
            return "";
        }
        return "FIRST " + members.size() + " ("
                + members.stream()
                        .map(m -> "\"" + m.replace("\"", "\"\"") + "\"")
                        .collect(Collectors.joining(","))
                + ")";
    }
}
