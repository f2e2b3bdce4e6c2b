package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's view of one cluster ({@code GET /api/v1/clusters/{cluster}}), as pghactl needs it.
 *
 * @param leader the member holding the leader key, if any
 * @param scheduledSwitchover a switchover waiting for its time, if any
 */
public record ClusterView(
        String cluster,
        Optional<String> leader,
        boolean paused,
        List<Member> members,
        Optional<Switchover> scheduledSwitchover,
        Optional<String> coordinator) {

    /** One member as the coordinator lists it. {@code lag} is in bytes, absent when unknown. */
    public record Member(
            String name,
            String role,
            String state,
            String host,
            int port,
            String apiUrl,
            Optional<Long> timeline,
            Optional<Long> lag,
            Map<String, Object> tags) {
        public boolean leader() {
            return "leader".equals(role) || "primary".equals(role) || "standby_leader".equals(role);
        }
    }

    /** A switchover from {@code from} to {@code to} at {@code at}. */
    public record Switchover(String from, String to, String at) {}

    /** Reads the body of {@code GET /api/v1/clusters/{cluster}}. */
    public static ClusterView of(JsonNode body) {
        List<Member> members = new ArrayList<>();
        for (JsonNode m : body.path("members")) {
            Map<String, Object> tags = new LinkedHashMap<>();
            m.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), Json.plain(e.getValue())));
            members.add(new Member(
                    m.path("name").asText(),
                    m.path("role").asText("unknown"),
                    m.path("state").asText(""),
                    m.path("host").asText(""),
                    m.path("port").asInt(0),
                    m.path("api_url").asText(""),
                    m.hasNonNull("timeline") ? Optional.of(m.get("timeline").asLong()) : Optional.empty(),
                    m.hasNonNull("lag") ? Optional.of(m.get("lag").asLong()) : Optional.empty(),
                    tags));
        }
        JsonNode s = body.path("scheduled_switchover");
        Optional<Switchover> scheduled = s.isObject()
                ? Optional.of(new Switchover(
                        s.path("from").asText(),
                        s.path("to").asText(),
                        s.path("at").asText()))
                : Optional.empty();
        return new ClusterView(
                body.path("cluster").asText(),
                text(body.path("leader")),
                body.path("pause").asBoolean(false),
                List.copyOf(members),
                scheduled,
                text(body.path("coordinator")));
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The members' names, sorted. */
    public List<String> names() {
        return members.stream().map(Member::name).sorted().toList();
    }

    /**
     * The members named (all when {@code names} is empty) that play {@code role}; a failure naming every
     * member there is when a name is unknown.
     */
    public List<Member> select(List<String> names, Role role) {
        List<Member> chosen = new ArrayList<>();
        if (names.isEmpty()) {
            chosen.addAll(members);
        } else {
            List<String> unknown =
                    names.stream().filter(n -> member(n).isEmpty()).toList();
            if (!unknown.isEmpty()) {
                throw CtlException.failed((unknown.size() == 1 ? "member " : "members ") + String.join(", ", unknown)
                        + (unknown.size() == 1 ? " is" : " are") + " not in cluster " + cluster + "; its members: "
                        + String.join(", ", names()));
            }
            names.stream().distinct().forEach(n -> chosen.add(member(n).orElseThrow()));
        }
        return chosen.stream().filter(role::matches).toList();
    }

    /** patronictl's {@code --role}: {@code leader} (also {@code primary}), {@code replica}, {@code any}. */
    public enum Role {
        LEADER,
        PRIMARY,
        REPLICA,
        ANY;

        boolean matches(Member m) {
            return switch (this) {
                case LEADER, PRIMARY -> m.leader();
                case REPLICA -> !m.leader();
                case ANY -> true;
            };
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? Optional.empty() : Optional.of(node.asText());
    }
}
