package io.pgha.core.store;

import static io.pgha.core.store.EtcdCalls.bytes;
import static io.pgha.core.store.EtcdCalls.text;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.pgha.core.DynamicConfig;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ClusterStore} over jetcd; every key comes from {@link EtcdLayout}. */
public final class EtcdClusterStore extends EtcdStore implements ClusterStore {

    private final EtcdLayout layout;

    /** The keys of {@code layout}'s cluster over {@code connection} (closing this store closes it). */
    public EtcdClusterStore(EtcdConnection connection, EtcdLayout layout) {
        super(connection);
        this.layout = layout;
    }

    /** A store over a new connection to {@code endpoints}, every call bounded by {@code operationTimeout}. */
    public static EtcdClusterStore connect(List<String> endpoints, EtcdLayout layout, Duration operationTimeout) {
        return connect(EtcdAccess.plain(endpoints), layout, operationTimeout);
    }

    /** A store over a new connection by {@code access}, every call bounded by {@code operationTimeout}. */
    public static EtcdClusterStore connect(EtcdAccess access, EtcdLayout layout, Duration operationTimeout) {
        return new EtcdClusterStore(EtcdConnection.to(access, operationTimeout), layout);
    }

    public EtcdLayout layout() {
        return layout;
    }

    @Override
    public boolean createMember(String name, MemberStatus status, long lease) {
        return createOnly(layout.member(name), Json.write(status), lease);
    }

    @Override
    public void putMember(String name, MemberStatus status, long lease) {
        put(layout.member(name), Json.write(status), lease);
    }

    @Override
    public boolean createInitialize(String value) {
        return createOnly(layout.initialize(), value, 0);
    }

    @Override
    public void putInitialize(String value) {
        put(layout.initialize(), value, 0);
    }

    @Override
    public void deleteInitialize() {
        await("delete " + layout.initialize(), c -> c.getKVClient().delete(bytes(layout.initialize())));
    }

    @Override
    public boolean acquireLeader(String member, long lease) {
        return createOnly(layout.leader(), member, lease);
    }

    @Override
    public boolean releaseLeader(String member) {
        ByteSequence key = bytes(layout.leader());
        return await("release " + layout.leader(), c -> c.getKVClient()
                        .txn()
                        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(bytes(member))))
                        .Then(Op.delete(key, DeleteOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    @Override
    public boolean handOverLeader(String member, String handedOver, long switchoverRevision) {
        ByteSequence leader = bytes(layout.leader());
        ByteSequence switchover = bytes(layout.switchover());
        return await("hand over " + layout.leader(), c -> c.getKVClient()
                        .txn()
                        .If(
                                new Cmp(leader, Cmp.Op.EQUAL, CmpTarget.value(bytes(member))),
                                new Cmp(switchover, Cmp.Op.EQUAL, CmpTarget.modRevision(switchoverRevision)))
                        .Then(
                                Op.delete(leader, DeleteOption.DEFAULT),
                                Op.put(switchover, bytes(handedOver), PutOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    @Override
    public boolean createConfig(DynamicConfig config) {
        return createOnly(layout.config(), config.toJson(), 0);
    }

    @Override
    public void putStatus(String json, long lease) {
        put(layout.status(), json, lease);
    }

    @Override
    public ClusterSnapshot read() {
        GetResponse response = await("read " + layout.prefix(), c -> c.getKVClient()
                .get(bytes(layout.prefix()), GetOption.builder().isPrefix(true).build()));
        Optional<LeaderKey> leader = Optional.empty();
        Map<String, MemberEntry> members = new LinkedHashMap<>();
        Optional<String> config = Optional.empty();
        Optional<String> initialize = Optional.empty();
        Optional<String> sync = Optional.empty();
        Optional<String> switchover = Optional.empty();
        Optional<String> history = Optional.empty();
        Optional<String> status = Optional.empty();
        Optional<String> detach = Optional.empty();
        Optional<String> failsafe = Optional.empty();
        Map<String, Long> revisions = new LinkedHashMap<>();
        for (KeyValue kv : response.getKvs()) {
            String key = text(kv.getKey());
            String value = text(kv.getValue());
            revisions.put(key.substring(layout.prefix().length()), kv.getModRevision());
            if (key.equals(layout.leader())) {
                leader = Optional.of(new LeaderKey(value, kv.getLease(), kv.getModRevision()));
            } else if (key.startsWith(layout.members())
                    && key.length() > layout.members().length()) {
                String name = layout.memberName(key);
                MemberStatus memberStatus;
                try {
                    memberStatus = Json.read(value, MemberStatus.class, key);
                } catch (IllegalArgumentException e) {
                    memberStatus = null;
                }
                members.put(name, new MemberEntry(name, memberStatus, kv.getLease()));
            } else if (key.equals(layout.config())) {
                config = Optional.of(value);
            } else if (key.equals(layout.initialize())) {
                initialize = Optional.of(value);
            } else if (key.equals(layout.sync())) {
                sync = Optional.of(value);
            } else if (key.equals(layout.switchover())) {
                switchover = Optional.of(value);
            } else if (key.equals(layout.history())) {
                history = Optional.of(value);
            } else if (key.equals(layout.status())) {
                status = Optional.of(value);
            } else if (key.equals(layout.detach())) {
                detach = Optional.of(value);
            } else if (key.equals(layout.failsafe())) {
                failsafe = Optional.of(value);
            }
        }
        return new ClusterSnapshot(
                response.getHeader().getRevision(),
                leader,
                Map.copyOf(members),
                config,
                initialize,
                sync,
                switchover,
                history,
                status,
                detach,
                Map.copyOf(revisions),
                failsafe);
    }

    @Override
    public AutoCloseable watch(long fromRevision, Runnable onChange) {
        List<String> interesting =
                List.of(layout.leader(), layout.config(), layout.sync(), layout.switchover(), layout.detach());
        return connection.watch(
                c -> c.getWatchClient()
                        .watch(
                                bytes(layout.prefix()),
                                WatchOption.builder()
                                        .isPrefix(true)
                                        .withRevision(fromRevision)
                                        .build(),
                                response -> {
                                    boolean relevant = response.getEvents().stream()
                                            .anyMatch(e -> interesting.contains(
                                                    text(e.getKeyValue().getKey())));
                                    if (relevant) {
                                        onChange.run();
                                    }
                                },
                                error -> onChange.run()),
                onChange);
    }

    private boolean createOnly(String key, String value, long lease) {
        ByteSequence k = bytes(key);
        PutOption option = lease == 0
                ? PutOption.DEFAULT
                : PutOption.builder().withLeaseId(lease).build();
        return await("create " + key, c -> c.getKVClient()
                        .txn()
                        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .Then(Op.put(k, bytes(value), option))
                        .commit())
                .isSucceeded();
    }

    private void put(String key, String value, long lease) {
        PutOption option = lease == 0
                ? PutOption.DEFAULT
                : PutOption.builder().withLeaseId(lease).build();
        await("write " + key, c -> c.getKVClient().put(bytes(key), bytes(value), option));
    }
}
