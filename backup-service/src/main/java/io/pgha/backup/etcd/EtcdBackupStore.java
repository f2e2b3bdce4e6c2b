package io.pgha.backup.etcd;

import static io.pgha.core.store.EtcdCalls.bytes;
import static io.pgha.core.store.EtcdCalls.text;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.pgha.core.EtcdLayout;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdCalls;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.EtcdConnection;
import io.pgha.core.store.EtcdStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link BackupStore} over jetcd; every key comes from {@link EtcdLayout}. */
public final class EtcdBackupStore extends EtcdStore implements BackupStore {
    private final String namespace;

    public EtcdBackupStore(EtcdAccess etcd, String namespace, Duration timeout) {
        super(EtcdConnection.to(etcd, timeout));
        this.namespace = namespace;
    }

    @Override
    public EtcdLayout layout(String cluster) {
        return new EtcdLayout(namespace, cluster);
    }

    @Override
    public List<String> clusters() {
        return clusters(namespace, key -> key.startsWith("members/") || key.equals("initialize"));
    }

    @Override
    public ClusterSnapshot read(String cluster) {
        return new EtcdClusterStore(connection, layout(cluster)).read();
    }

    @Override
    public Optional<Long> campaign(String cluster, String me, long lease) {
        return connection.call(c -> EtcdCalls.campaign(
                c, "campaign for the backups of " + cluster, layout(cluster).backup(), me, lease, timeout));
    }

    @Override
    public Optional<String> activeOf(String cluster) {
        return value(layout(cluster).backup());
    }

    @Override
    public void resign(String cluster, long revision) {
        connection.call(c -> {
            EtcdCalls.resign(
                    c, "resign the backups of " + cluster, layout(cluster).backup(), revision, timeout);
            return null;
        });
    }

    @Override
    public boolean createRestoreRequest(String cluster, String json) {
        ByteSequence key = bytes(layout(cluster).restoreRequest());
        return await("create " + layout(cluster).restoreRequest(), c -> c.getKVClient()
                        .txn()
                        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .Then(Op.put(key, bytes(json), PutOption.DEFAULT))
                        .commit())
                .isSucceeded();
    }

    @Override
    public Optional<String> restoreRequest(String cluster) {
        return value(layout(cluster).restoreRequest());
    }

    @Override
    public java.util.Map<String, String> restoreRequests() {
        String prefix = namespace + "/";
        var response = await("list the restore requests under " + prefix, c -> c.getKVClient()
                .get(bytes(prefix), GetOption.builder().isPrefix(true).build()));
        java.util.Map<String, String> requests = new java.util.TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            String rest = text(kv.getKey()).substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.substring(slash + 1).equals("restore/request")) {
                requests.put(rest.substring(0, slash), text(kv.getValue()));
            }
        }
        return requests;
    }

    @Override
    public Optional<String> restoreStatus(String cluster) {
        return value(layout(cluster).restoreStatus());
    }

    private Optional<String> value(String key) {
        var kvs = await("read " + key, c -> c.getKVClient().get(bytes(key))).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(text(kvs.get(0).getValue()));
    }
}
