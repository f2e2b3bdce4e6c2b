package io.pgha.coordinator.etcd;

import static io.pgha.core.store.EtcdCalls.bytes;
import static io.pgha.core.store.EtcdCalls.text;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.pgha.core.EtcdLayout;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdCalls;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.EtcdConnection;
import io.pgha.core.store.EtcdStore;
import io.pgha.core.store.RouterReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/** {@link CoordinatorStore} on etcd: every guarded write is one transaction with the election compare. */
public final class EtcdCoordinatorStore extends EtcdStore implements CoordinatorStore {
    private final String namespace;

    public EtcdCoordinatorStore(EtcdAccess etcd, String namespace, Duration timeout) {
        super(EtcdConnection.to(etcd, timeout));
        this.namespace = namespace;
    }

    /** One consistent read of {@code cluster}'s keys. */
    @Override
    public ClusterSnapshot read(String cluster) {
        return new EtcdClusterStore(connection, layout(cluster)).read();
    }

    @Override
    public EtcdLayout layout(String cluster) {
        return new EtcdLayout(namespace, cluster);
    }

    @Override
    public Map<String, Optional<RouterReport>> routers(String cluster) {
        String prefix = layout(cluster).routers();
        var response = await("read " + prefix, c -> c.getKVClient()
                .get(bytes(prefix), GetOption.builder().isPrefix(true).build()));
        Map<String, Optional<RouterReport>> reports = new TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            String key = text(kv.getKey());
            Optional<RouterReport> report;
            try {
                report = Optional.of(RouterReport.fromJson(text(kv.getValue()), key));
            } catch (IllegalArgumentException e) {
                report = Optional.empty();
            }
            reports.put(key.substring(prefix.length()), report);
        }
        return reports;
    }

    /** The clusters that have keys under the namespace, sorted. */
    @Override
    public List<String> clusters() {
        return clusters(namespace, EtcdCoordinatorStore::makesACluster);
    }

    /**
     * Whether a key under a cluster's prefix shows that the cluster exists: not the election keys of
     * coordinators or backup-services, a router's report, or a restore request that waits for the
     * cluster's first agent.
     */
    static boolean makesACluster(String key) {
        return !key.equals(ELECTION_KEY)
                && !key.equals("backup")
                && !key.startsWith("restore/")
                && !key.startsWith("routers/");
    }

    /**
     * Tries to lead {@code cluster}: creates its election key naming {@code me} on {@code lease}. Returns
     * the key's create revision when this replica holds it (now or already), else empty.
     */
    @Override
    public Optional<Long> campaign(String cluster, String me, long lease) {
        return connection.call(c ->
                EtcdCalls.campaign(c, "campaign for " + cluster, layout(cluster).coordinator(), me, lease, timeout));
    }

    /** Who leads {@code cluster} now (the election key's value), if anyone. */
    @Override
    public Optional<String> coordinatorOf(String cluster) {
        var kvs = await("read the election key of " + cluster, c -> c.getKVClient()
                        .get(bytes(layout(cluster).coordinator())))
                .getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(text(kvs.get(0).getValue()));
    }

    /** Gives up the leadership of {@code cluster} (deletes the election key if it is still ours). */
    @Override
    public void resign(String cluster, long electionRevision) {
        connection.call(c -> {
            EtcdCalls.resign(c, "resign " + cluster, layout(cluster).coordinator(), electionRevision, timeout);
            return null;
        });
    }

    /**
     * Writes the leader key naming {@code member}, bound to that member's own {@code memberLease}, if
     * the key is absent and this replica still leads. Returns the key's revision (the new epoch), or 0.
     */
    @Override
    public long writeLeader(String cluster, String member, long memberLease, long electionRevision) {
        ByteSequence key = bytes(layout(cluster).leader());
        TxnResponse response = await("write the leader key for " + member, c -> c.getKVClient()
                .txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)), mine(cluster, electionRevision))
                .Then(Op.put(
                        key,
                        bytes(member),
                        PutOption.builder().withLeaseId(memberLease).build()))
                .commit());
        return response.isSucceeded() ? response.getHeader().getRevision() : 0;
    }

    @Override
    public long writeLeaderWithSync(
            String cluster, String member, long memberLease, String sync, long syncExpected, long electionRevision) {
        ByteSequence leader = bytes(layout(cluster).leader());
        ByteSequence syncKey = bytes(layout(cluster).sync());
        Cmp syncUnchanged = syncExpected == 0
                ? new Cmp(syncKey, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(syncKey, Cmp.Op.EQUAL, CmpTarget.modRevision(syncExpected));
        TxnResponse response = await("write /sync and the leader key for " + member, c -> c.getKVClient()
                .txn()
                .If(new Cmp(leader, Cmp.Op.EQUAL, CmpTarget.version(0)), syncUnchanged, mine(cluster, electionRevision))
                .Then(
                        Op.put(syncKey, bytes(sync), PutOption.DEFAULT),
                        Op.put(
                                leader,
                                bytes(member),
                                PutOption.builder().withLeaseId(memberLease).build()))
                .commit());
        return response.isSucceeded() ? response.getHeader().getRevision() : 0;
    }

    /** Deletes the leader key if it is still the one written at {@code leaderRevision} and we still lead. */
    @Override
    public boolean takeBackLeader(String cluster, long leaderRevision, long electionRevision) {
        ByteSequence key = bytes(layout(cluster).leader());
        return await("take back the leader key", c -> c.getKVClient()
                        .txn()
                        .If(
                                new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(leaderRevision)),
                                mine(cluster, electionRevision))
                        .Then(Op.delete(key, DeleteOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    @Override
    public boolean writeDetach(String cluster, String value, long leaderRevision, long electionRevision) {
        ByteSequence detach = bytes(layout(cluster).detach());
        ByteSequence leader = bytes(layout(cluster).leader());
        return await("write the detach key", c -> c.getKVClient()
                        .txn()
                        .If(
                                new Cmp(detach, Cmp.Op.EQUAL, CmpTarget.version(0)),
                                new Cmp(leader, Cmp.Op.EQUAL, CmpTarget.modRevision(leaderRevision)),
                                mine(cluster, electionRevision))
                        .Then(Op.put(detach, bytes(value), PutOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    @Override
    public boolean deleteLeaderAndDetach(
            String cluster, long leaderRevision, long detachRevision, long electionRevision) {
        ByteSequence detach = bytes(layout(cluster).detach());
        ByteSequence leader = bytes(layout(cluster).leader());
        return await("delete the leader key and the detach key", c -> c.getKVClient()
                        .txn()
                        .If(
                                new Cmp(leader, Cmp.Op.EQUAL, CmpTarget.modRevision(leaderRevision)),
                                new Cmp(detach, Cmp.Op.EQUAL, CmpTarget.modRevision(detachRevision)),
                                mine(cluster, electionRevision))
                        .Then(Op.delete(leader, DeleteOption.DEFAULT), Op.delete(detach, DeleteOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    /**
     * Writes {@code key} (a name under the cluster's prefix) if its mod revision is still {@code
     * expected} (0: absent) and, when {@code electionRevision} is not 0, this replica still leads.
     */
    @Override
    public boolean compareAndPut(String cluster, String key, String value, long expected, long electionRevision) {
        ByteSequence k = bytes(layout(cluster).prefix() + key);
        return await("write " + key, c -> c.getKVClient()
                        .txn()
                        .If(conditions(cluster, k, expected, electionRevision))
                        .Then(Op.put(k, bytes(value), PutOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    /** Deletes {@code key} under the same conditions as {@link #compareAndPut}. */
    @Override
    public boolean compareAndDelete(String cluster, String key, long expected, long electionRevision) {
        ByteSequence k = bytes(layout(cluster).prefix() + key);
        return await("delete " + key, c -> c.getKVClient()
                        .txn()
                        .If(conditions(cluster, k, expected, electionRevision))
                        .Then(Op.delete(k, DeleteOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    /** Deletes every key under {@code cluster}'s prefix (which ends with a slash: no other cluster's). */
    @Override
    public long deleteCluster(String cluster) {
        String prefix = layout(cluster).prefix();
        return await("delete " + prefix, c -> c.getKVClient()
                        .delete(
                                bytes(prefix),
                                DeleteOption.builder().isPrefix(true).build()))
                .getDeleted();
    }

    /** Calls {@code onChange} with the cluster name of every changed key under the namespace. */
    @Override
    public AutoCloseable watch(BiConsumer<String, String> onChange, Runnable onError) {
        String prefix = namespace + "/";
        return connection.watch(
                c -> c.getWatchClient()
                        .watch(
                                bytes(prefix),
                                WatchOption.builder().isPrefix(true).build(),
                                response -> response.getEvents().forEach(e -> {
                                    String rest = text(e.getKeyValue().getKey()).substring(prefix.length());
                                    int slash = rest.indexOf('/');
                                    if (slash > 0) {
                                        onChange.accept(rest.substring(0, slash), rest.substring(slash + 1));
                                    }
                                }),
                                error -> onError.run()),
                onError);
    }

    private Cmp[] conditions(String cluster, ByteSequence key, long expected, long electionRevision) {
        Cmp value = expected == 0
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expected));
        return electionRevision == 0 ? new Cmp[] {value} : new Cmp[] {value, mine(cluster, electionRevision)};
    }

    private Cmp mine(String cluster, long electionRevision) {
        return EtcdCalls.createdAt(layout(cluster).coordinator(), electionRevision);
    }
}
