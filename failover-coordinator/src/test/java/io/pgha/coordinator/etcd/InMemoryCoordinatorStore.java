package io.pgha.coordinator.etcd;

import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.core.store.RouterReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * {@link CoordinatorStore} in memory with etcd's revision rules: one revision per write, create and mod
 * revisions per key, keys bound to leases that vanish with them, and the election compare on every
 * guarded write. Records every successful write in {@link #writes()} for assertions.
 */
public final class InMemoryCoordinatorStore implements CoordinatorStore {
    private record Entry(String value, long createRevision, long modRevision, long lease) {}

    private final String namespace = "/pgha";
    private final TreeMap<String, Entry> keys = new TreeMap<>();
    private final List<String> writes = new ArrayList<>();
    private final List<BiConsumer<String, String>> watchers = new ArrayList<>();
    private final java.util.Set<Long> leases = new TreeSet<>();
    private long revision = 1;
    private long nextLease = 100;

    @Override
    public synchronized ClusterSnapshot read(String cluster) {
        EtcdLayout layout = layout(cluster);
        Optional<LeaderKey> leader = Optional.empty();
        Map<String, MemberEntry> members = new LinkedHashMap<>();
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, Long> revisions = new LinkedHashMap<>();
        for (var e : keys.subMap(layout.prefix(), layout.prefix() + Character.MAX_VALUE)
                .entrySet()) {
            String name = e.getKey().substring(layout.prefix().length());
            Entry v = e.getValue();
            revisions.put(name, v.modRevision());
            if (e.getKey().equals(layout.leader())) {
                leader = Optional.of(new LeaderKey(v.value(), v.lease(), v.modRevision()));
            } else if (name.startsWith("members/")) {
                String member = layout.memberName(e.getKey());
                MemberStatus status;
                try {
                    status = Json.read(v.value(), MemberStatus.class, e.getKey());
                } catch (IllegalArgumentException ex) {
                    status = null;
                }
                members.put(member, new MemberEntry(member, status, v.lease()));
            } else {
                plain.put(name, v.value());
            }
        }
        return new ClusterSnapshot(
                revision,
                leader,
                Map.copyOf(members),
                Optional.ofNullable(plain.get("config")),
                Optional.ofNullable(plain.get("initialize")),
                Optional.ofNullable(plain.get("sync")),
                Optional.ofNullable(plain.get("switchover")),
                Optional.ofNullable(plain.get("history")),
                Optional.ofNullable(plain.get("status")),
                Optional.ofNullable(plain.get("detach")),
                Map.copyOf(revisions),
                Optional.ofNullable(plain.get("failsafe")));
    }

    @Override
    public EtcdLayout layout(String cluster) {
        return new EtcdLayout(namespace, cluster);
    }

    @Override
    public synchronized Map<String, Optional<RouterReport>> routers(String cluster) {
        String prefix = layout(cluster).routers();
        Map<String, Optional<RouterReport>> reports = new TreeMap<>();
        for (var e : keys.subMap(prefix, prefix + Character.MAX_VALUE).entrySet()) {
            Optional<RouterReport> report;
            try {
                report = Optional.of(RouterReport.fromJson(e.getValue().value(), e.getKey()));
            } catch (IllegalArgumentException ex) {
                report = Optional.empty();
            }
            reports.put(e.getKey().substring(prefix.length()), report);
        }
        return reports;
    }

    @Override
    public synchronized List<String> clusters() {
        TreeSet<String> names = new TreeSet<>();
        for (String key : keys.keySet()) {
            String rest = key.substring(namespace.length() + 1);
            int slash = rest.indexOf('/');
            if (slash > 0 && !rest.substring(slash + 1).equals(ELECTION_KEY)) {
                names.add(rest.substring(0, slash));
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public synchronized long grantLease(Duration ttl) {
        long lease = nextLease++;
        leases.add(lease);
        return lease;
    }

    @Override
    public synchronized long keepAliveOnce(long lease) {
        return leases.contains(lease) ? 5 : 0;
    }

    @Override
    public synchronized void revokeLease(long lease) {
        expire(lease);
    }

    @Override
    public synchronized Optional<Long> campaign(String cluster, String me, long lease) {
        String key = layout(cluster).coordinator();
        Entry held = keys.get(key);
        if (held == null) {
            return Optional.of(put(key, me, lease));
        }
        return held.lease() == lease ? Optional.of(held.createRevision()) : Optional.empty();
    }

    @Override
    public synchronized Optional<String> coordinatorOf(String cluster) {
        return Optional.ofNullable(keys.get(layout(cluster).coordinator())).map(Entry::value);
    }

    @Override
    public synchronized void resign(String cluster, long electionRevision) {
        if (mine(cluster, electionRevision)) {
            delete(layout(cluster).coordinator());
        }
    }

    @Override
    public synchronized long writeLeader(String cluster, String member, long memberLease, long electionRevision) {
        String key = layout(cluster).leader();
        if (keys.containsKey(key) || !mine(cluster, electionRevision)) {
            return 0;
        }
        return put(key, member, memberLease);
    }

    @Override
    public synchronized long writeLeaderWithSync(
            String cluster, String member, long memberLease, String sync, long syncExpected, long electionRevision) {
        String key = layout(cluster).leader();
        String syncKey = layout(cluster).sync();
        if (keys.containsKey(key) || !matches(cluster, syncKey, syncExpected, electionRevision)) {
            return 0;
        }
        put(syncKey, sync, 0); // before the leader key: a watcher never sees the key without the set
        return put(key, member, memberLease);
    }

    @Override
    public synchronized boolean takeBackLeader(String cluster, long leaderRevision, long electionRevision) {
        String key = layout(cluster).leader();
        Entry held = keys.get(key);
        if (held == null || held.modRevision() != leaderRevision || !mine(cluster, electionRevision)) {
            return false;
        }
        delete(key);
        return true;
    }

    @Override
    public synchronized boolean writeDetach(String cluster, String value, long leaderRevision, long electionRevision) {
        Entry leader = keys.get(layout(cluster).leader());
        if (keys.containsKey(layout(cluster).detach())
                || (leaderRevision == 0 ? leader != null : leader == null || leader.modRevision() != leaderRevision)
                || !mine(cluster, electionRevision)) {
            return false;
        }
        put(layout(cluster).detach(), value, 0);
        return true;
    }

    @Override
    public synchronized boolean deleteLeaderAndDetach(
            String cluster, long leaderRevision, long detachRevision, long electionRevision) {
        Entry leader = keys.get(layout(cluster).leader());
        Entry detach = keys.get(layout(cluster).detach());
        if (leader == null
                || detach == null
                || leader.modRevision() != leaderRevision
                || detach.modRevision() != detachRevision
                || !mine(cluster, electionRevision)) {
            return false;
        }
        delete(layout(cluster).leader());
        delete(layout(cluster).detach());
        return true;
    }

    @Override
    public synchronized boolean compareAndPut(
            String cluster, String key, String value, long expected, long electionRevision) {
        String k = layout(cluster).prefix() + key;
        if (!matches(cluster, k, expected, electionRevision)) {
            return false;
        }
        put(k, value, 0);
        return true;
    }

    @Override
    public synchronized boolean compareAndDelete(String cluster, String key, long expected, long electionRevision) {
        String k = layout(cluster).prefix() + key;
        if (!matches(cluster, k, expected, electionRevision) || !keys.containsKey(k)) {
            return false;
        }
        delete(k);
        return true;
    }

    @Override
    public synchronized long deleteCluster(String cluster) {
        String prefix = layout(cluster).prefix();
        List<String> under =
                keys.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        under.forEach(this::delete);
        return under.size();
    }

    @Override
    public synchronized AutoCloseable watch(BiConsumer<String, String> onChange, Runnable onError) {
        watchers.add(onChange);
        return () -> {
            synchronized (this) {
                watchers.remove(onChange);
            }
        };
    }

    @Override
    public void close() {}

    // --- for tests ---

    /** Writes {@code key} under {@code cluster}'s prefix unconditionally (what an agent or an operator does). */
    public synchronized long put(String cluster, String key, String value, long lease) {
        return put(layout(cluster).prefix() + key, value, lease);
    }

    /** Writes a member key as its agent does, bound to {@code lease}. */
    public synchronized void putMember(String cluster, MemberStatus status, String name, long lease) {
        put(layout(cluster).member(name), Json.write(status), lease);
    }

    /** Deletes a key under {@code cluster}'s prefix unconditionally. */
    public synchronized void delete(String cluster, String key) {
        delete(layout(cluster).prefix() + key);
    }

    /** Ends {@code lease}: every key bound to it disappears, as in etcd. */
    public synchronized void expire(long lease) {
        leases.remove(lease);
        List<String> bound = keys.entrySet().stream()
                .filter(e -> e.getValue().lease() == lease)
                .map(Map.Entry::getKey)
                .toList();
        bound.forEach(this::delete);
    }

    /** A key's value under {@code cluster}'s prefix, if present. */
    public synchronized Optional<String> value(String cluster, String key) {
        return Optional.ofNullable(keys.get(layout(cluster).prefix() + key)).map(Entry::value);
    }

    /** Every successful write so far, as {@code "put <key> <value>"} or {@code "delete <key>"}. */
    public synchronized List<String> writes() {
        return List.copyOf(writes);
    }

    private boolean matches(String cluster, String key, long expected, long electionRevision) {
        Entry held = keys.get(key);
        boolean value = expected == 0 ? held == null : held != null && held.modRevision() == expected;
        return value && (electionRevision == 0 || mine(cluster, electionRevision));
    }

    private boolean mine(String cluster, long electionRevision) {
        Entry election = keys.get(layout(cluster).coordinator());
        return election != null && election.createRevision() == electionRevision;
    }

    private long put(String key, String value, long lease) {
        long rev = ++revision;
        Entry held = keys.get(key);
        keys.put(key, new Entry(value, held == null ? rev : held.createRevision(), rev, lease));
        writes.add("put " + key + " " + value);
        notifyWatchers(key);
        return rev;
    }

    private void delete(String key) {
        ++revision;
        keys.remove(key);
        writes.add("delete " + key);
        notifyWatchers(key);
    }

    private void notifyWatchers(String key) {
        String rest = key.substring(namespace.length() + 1);
        int slash = rest.indexOf('/');
        if (slash > 0) {
            for (var w : List.copyOf(watchers)) {
                w.accept(rest.substring(0, slash), rest.substring(slash + 1));
            }
        }
    }
}
