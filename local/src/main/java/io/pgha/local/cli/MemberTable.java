package io.pgha.local.cli;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The members of a cluster as {@code patronictl list} shows them, from one read of its etcd keys (member
 * keys and leader key) and each replica's WAL receiver state (from its agent). Pure: no I/O.
 */
final class MemberTable {
    static final String LEADER = "Leader";
    static final String REPLICA = "Replica";
    static final String STREAMING = "streaming";

    private MemberTable() {}

    /**
     * One member.
     *
     * @param address PostgreSQL's {@code host:port} from the member's conn_url
     * @param role {@code Leader} (the leader key names it), {@code Replica}, or the role the agent published
     * @param state what PostgreSQL does; for a running replica, its WAL receiver's state ({@code streaming})
     * @param lagBytes the leader's write position minus this member's received (or replayed) position;
     *     empty for the leader and when either is unknown
     * @param pendingRestart {@code *} and the settings waiting for a restart ({@code max_connections:
     *     100->200}) when the member's agent reports {@code pending_restart}; empty otherwise
     */
    record Row(
            String member,
            String address,
            String role,
            String state,
            long timeline,
            Optional<Long> lagBytes,
            String pendingRestart) {
        Row(String member, String address, String role, String state, long timeline, Optional<Long> lagBytes) {
            this(member, address, role, state, timeline, lagBytes, "");
        }

        boolean leader() {
            return role.equals(LEADER);
        }
    }

    /**
     * What {@code /patroni} says of a pending restart, as the table shows it: {@code *}, then each
     * setting of {@code pending_restart_reason} as {@code name: old->new}; empty without one.
     */
    static String pendingRestart(boolean pending, Map<String, Map<String, String>> reason) {
        if (!pending) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(reason)
                .forEach((name, values) -> parts.add(name + ": " + values.getOrDefault("old_value", "?") + "->"
                        + values.getOrDefault("new_value", "?")));
        return parts.isEmpty() ? "*" : "* " + String.join(", ", parts);
    }

    /**
     * The rows of the member keys {@code members} under the leader key {@code leaderKey}, by member name;
     * {@code receiverStates} are the replicas' WAL receiver states.
     */
    static List<Row> rows(
            Optional<LeaderKey> leaderKey, Map<String, MemberEntry> members, Map<String, String> receiverStates) {
        return rows(leaderKey, members, receiverStates, Map.of());
    }

    /** As above, with each member's pending restart ({@link #pendingRestart}) by name. */
    static List<Row> rows(
            Optional<LeaderKey> leaderKey,
            Map<String, MemberEntry> members,
            Map<String, String> receiverStates,
            Map<String, String> pendingRestarts) {
        Optional<String> leader = leaderKey.map(LeaderKey::member);
        Optional<Lsn> leaderLsn = leader.map(members::get)
                .map(MemberEntry::status)
                .map(MemberStatus::xlogLocation)
                .filter(java.util.Objects::nonNull);
        List<Row> rows = new ArrayList<>();
        for (MemberEntry entry : new TreeMap<>(members).values()) {
            MemberStatus status = entry.status();
            if (status == null) {
                rows.add(new Row(entry.name(), "?", "unreadable member key", "", 0, Optional.empty()));
                continue;
            }
            boolean isLeader = leader.filter(entry.name()::equals).isPresent();
            String role = isLeader ? LEADER : roleOf(status);
            String state = status.state();
            String receiver = receiverStates.get(entry.name());
            if (!isLeader && "running".equals(state) && receiver != null && !receiver.equals("stopped")) {
                state = receiver;
            }
            Optional<Long> lag = isLeader ? Optional.empty() : lag(leaderLsn, status);
            rows.add(new Row(
                    entry.name(),
                    address(status.connUrl()),
                    role,
                    state,
                    status.timeline(),
                    lag,
                    pendingRestarts.getOrDefault(entry.name(), "")));
        }
        return rows;
    }

    /** True when there are {@code members} rows: a running leader and every other member a streaming replica. */
    static boolean healthy(List<Row> rows, int members) {
        long leaders = rows.stream()
                .filter(r -> r.leader() && r.state().equals("running"))
                .count();
        long streaming = rows.stream()
                .filter(r -> r.role().equals(REPLICA) && r.state().equals(STREAMING))
                .count();
        return rows.size() == members && leaders == 1 && streaming == members - 1;
    }

    /**
     * One line for progress output: {@code pg-0 primary, pg-1 streaming, pg-2 not registered yet}, and
     * {@code (no leader key yet)} when no member leads.
     */
    static String summary(List<Row> rows, List<String> names) {
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            Optional<Row> row =
                    rows.stream().filter(r -> r.member().equals(name)).findFirst();
            parts.add(name + " " + row.map(MemberTable::brief).orElse("not registered yet"));
        }
        String summary = String.join(", ", parts);
        return rows.stream().anyMatch(Row::leader) || rows.isEmpty() ? summary : summary + " (no leader key yet)";
    }

    private static String brief(Row row) {
        if (row.leader()) {
            return "primary";
        }
        if (row.role().equals(REPLICA)) {
            return row.state().equals(STREAMING) ? STREAMING : "replica (" + row.state() + ")";
        }
        return row.role() + " (" + row.state() + ")";
    }

    /** The table, headed by the cluster's name and where its keys were read. */
    static String render(String cluster, String etcd, List<Row> rows) {
        List<String[]> lines = new ArrayList<>();
        // as patronictl list: the column only while some member has a restart pending
        boolean pending = rows.stream().anyMatch(r -> !r.pendingRestart().isEmpty());
        lines.add(
                pending
                        ? new String[] {"Member", "Host", "Role", "State", "TL", "Lag in bytes", "Pending restart"}
                        : new String[] {"Member", "Host", "Role", "State", "TL", "Lag in bytes"});
        for (Row r : rows) {
            String[] line = {
                r.member(),
                r.address(),
                r.role(),
                r.state(),
                r.timeline() > 0 ? Long.toString(r.timeline()) : "",
                r.lagBytes().map(String::valueOf).orElse(r.leader() ? "" : "unknown")
            };
            if (pending) {
                line = java.util.Arrays.copyOf(line, 7);
                line[6] = r.pendingRestart();
            }
            lines.add(line);
        }
        int[] widths = new int[lines.get(0).length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder rule = new StringBuilder("+");
        for (int width : widths) {
            rule.append("-".repeat(width + 2)).append('+');
        }
        String title = "+ Cluster: " + cluster + " (etcd " + etcd + ") ";
        StringBuilder text = new StringBuilder(title)
                .append("-".repeat(Math.max(1, rule.length() - title.length() - 1)))
                .append("+\n");
        for (int n = 0; n < lines.size(); n++) {
            String[] line = lines.get(n);
            text.append('|');
            for (int i = 0; i < line.length; i++) {
                boolean number = (i == 4 || i == 5) && n > 0;
                String cell = number
                        ? " ".repeat(widths[i] - line[i].length()) + line[i]
                        : line[i] + " ".repeat(widths[i] - line[i].length());
                text.append(' ').append(cell).append(" |");
            }
            text.append('\n');
            if (n == 0) {
                text.append(rule).append('\n');
            }
        }
        text.append(rule).append('\n');
        if (rows.isEmpty()) {
            text.append("(no member keys under /pgha/").append(cluster).append("/members)\n");
        }
        return text.toString();
    }

    private static String roleOf(MemberStatus status) {
        if (status.role() == null) {
            return "unknown";
        }
        return switch (status.role()) {
            case REPLICA -> REPLICA;
            case PRIMARY -> "Primary without leader key";
            default -> status.role().text();
        };
    }

    private static Optional<Long> lag(Optional<Lsn> leaderLsn, MemberStatus status) {
        Optional<Lsn> mine = Optional.empty();
        for (Lsn parsed : new Lsn[] {status.receiveLsn(), status.replayLsn()}) {
            if (parsed != null) {
                mine = Optional.of(mine.filter(m -> m.isAfter(parsed)).orElse(parsed));
            }
        }
        if (leaderLsn.isEmpty() || mine.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Math.max(0, leaderLsn.get().minus(mine.get())));
    }

    private static String address(String connUrl) {
        if (connUrl == null) {
            return "?";
        }
        try {
            URI uri = URI.create(connUrl);
            return uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return connUrl;
        }
    }
}
