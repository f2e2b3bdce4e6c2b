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
 * What {@code ./pgha up} waits for: the members of a cluster from one read of its etcd keys (member keys
 * and leader key) and each replica's WAL receiver state (from its agent), judged healthy or summed up in
 * one progress line. Pure: no I/O. ({@code ./pgha status} prints {@code pghactl list}'s table instead.)
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
     */
    record Row(String member, String address, String role, String state, long timeline, Optional<Long> lagBytes) {
        boolean leader() {
            return role.equals(LEADER);
        }
    }

    /**
     * The rows of the member keys {@code members} under the leader key {@code leaderKey}, by member name;
     * {@code receiverStates} are the replicas' WAL receiver states.
     */
    static List<Row> rows(
            Optional<LeaderKey> leaderKey, Map<String, MemberEntry> members, Map<String, String> receiverStates) {
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
            rows.add(new Row(entry.name(), address(status.connUrl()), role, state, status.timeline(), lag));
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
