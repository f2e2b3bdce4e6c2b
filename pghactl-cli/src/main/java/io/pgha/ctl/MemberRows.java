package io.pgha.ctl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code pghactl list} and {@code topology}: the members as patronictl lists them (Member, Host, Role,
 * State, TL, Lag in MB; with {@code -e} also Pending restart, Scheduled restart, Tags). Pure.
 */
public final class MemberRows {
    public static final List<String> COLUMNS = List.of("Member", "Host", "Role", "State", "TL", "Lag in MB");
    public static final List<String> EXTENDED = List.of("Pending restart", "Scheduled restart", "Tags");
    private static final Set<String> RIGHT = Set.of("TL", "Lag in MB");

    private MemberRows() {}

    /**
     * What an agent said about its member beyond the coordinator's view ({@code GET /patroni}).
     *
     * @param scheduledRestart when a restart is scheduled, as the agent says it
     * @param systemIdentifier the database system identifier, for the title
     */
    public record AgentFacts(
            boolean pendingRestart, Optional<String> scheduledRestart, Optional<String> systemIdentifier) {}

    /**
     * The table of {@code view}: members sorted by name ({@code topology}: the leader first, then its
     * replicas indented with {@code + }); {@code facts} by member name (empty when not extended). Machine
     * formats ({@code tsv}, {@code json}, {@code yaml}) get a Cluster column first, as patronictl's.
     */
    public static Table table(
            ClusterView view, boolean extended, Map<String, AgentFacts> facts, boolean topology, boolean machine) {
        List<String> columns = new ArrayList<>();
        if (machine) {
            columns.add("Cluster");
        }
        columns.addAll(COLUMNS);
        if (extended) {
            columns.addAll(EXTENDED);
        }
        List<ClusterView.Member> members = new ArrayList<>(view.members());
        members.sort(Comparator.comparing(ClusterView.Member::name));
        if (topology) {
            members.sort(Comparator.comparing((ClusterView.Member m) -> !m.leader())
                    .thenComparing(ClusterView.Member::name));
        }
        boolean anyLeader = members.stream().anyMatch(ClusterView.Member::leader);
        List<List<Object>> rows = new ArrayList<>();
        for (ClusterView.Member m : members) {
            List<Object> row = new ArrayList<>();
            if (machine) {
                row.add(view.cluster());
            }
            String name = topology && anyLeader && !m.leader() ? "+ " + m.name() : m.name();
            row.add(name);
            row.add(m.port() > 0 ? m.host() + ":" + m.port() : m.host());
            row.add(role(m.role()));
            row.add(m.state());
            row.add(m.timeline().map(t -> (Object) t).orElse(""));
            row.add(m.leader() ? "" : lag(m.lag()));
            if (extended) {
                AgentFacts f = facts.get(m.name());
                row.add(f != null && f.pendingRestart() ? "*" : "");
                row.add(f == null ? "" : f.scheduledRestart().orElse(""));
                row.add(machine ? m.tags() : Table.cell(m.tags()));
            }
            rows.add(row);
        }
        return new Table(title(view, facts), columns, RIGHT, rows);
    }

    /** {@code Cluster: pgha (7345...)}: the system identifier when an agent told it. */
    static String title(ClusterView view, Map<String, AgentFacts> facts) {
        Optional<String> id = facts.values().stream()
                .map(AgentFacts::systemIdentifier)
                .flatMap(Optional::stream)
                .findFirst();
        return "Cluster: " + view.cluster() + id.map(i -> " (" + i + ")").orElse("");
    }

    /** What patronictl prints under the table: maintenance mode, a scheduled switchover. */
    public static String footer(ClusterView view) {
        StringBuilder out = new StringBuilder();
        if (view.paused()) {
            out.append(" Maintenance mode: on\n");
        }
        view.scheduledSwitchover().ifPresent(s -> out.append(" Switchover scheduled at: ")
                .append(s.at())
                .append('\n')
                .append("                    from: ")
                .append(s.from())
                .append('\n')
                .append("                      to: ")
                .append(s.to())
                .append('\n'));
        return out.toString();
    }

    /**
     * {@code leader} → {@code Leader}, {@code sync_standby} → {@code Sync Standby}, {@code quorum_standby} →
     * {@code Quorum Standby} (patronictl's).
     */
    static String role(String role) {
        StringBuilder out = new StringBuilder();
        for (String word : role.split("_")) {
            if (!word.isEmpty()) {
                out.append(out.isEmpty() ? "" : " ")
                        .append(Character.toUpperCase(word.charAt(0)))
                        .append(word.substring(1));
            }
        }
        return out.toString();
    }

    /** Bytes as whole MB (rounded), {@code unknown} when not known. */
    static Object lag(Optional<Long> bytes) {
        return bytes.<Object>map(b -> Math.round(b / 1024.0 / 1024.0)).orElse("unknown");
    }
}
