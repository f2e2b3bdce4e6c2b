package io.pgha.core.store;

import static io.pgha.core.store.EtcdCalls.bytes;
import static io.pgha.core.store.EtcdCalls.text;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The base of pgha's etcd adapters ({@link EtcdClusterStore} and the stores of failover-coordinator and
 * backup-service): one client, one operation timeout that every call completes within (or throws {@link
 * StoreException}), and the lease calls they all have. Closing the store closes its client.
 */
public abstract class EtcdStore implements LeaseStore, AutoCloseable {
    protected final Client client;
    protected final Duration timeout;

    protected EtcdStore(Client client, Duration operationTimeout) {
        this.client = client;
        this.timeout = operationTimeout;
    }

    @Override
    public long grantLease(Duration ttl) {
        return EtcdCalls.grantLease(client, ttl, timeout);
    }

    @Override
    public long keepAliveOnce(long lease) {
        return EtcdCalls.keepAliveOnce(client, lease, timeout);
    }

    @Override
    public void revokeLease(long lease) {
        EtcdCalls.revokeLease(client, lease, timeout);
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * The clusters under {@code namespace}, sorted: the names {@code <namespace>/<cluster>/<key>} for which
     * {@code makesACluster} accepts {@code <key>}.
     */
    protected final List<String> clusters(String namespace, Predicate<String> makesACluster) {
        String prefix = namespace + "/";
        var response = await(
                "list the clusters under " + prefix,
                client.getKVClient()
                        .get(
                                bytes(prefix),
                                GetOption.builder()
                                        .isPrefix(true)
                                        .withKeysOnly(true)
                                        .build()));
        TreeSet<String> names = new TreeSet<>();
        for (KeyValue kv : response.getKvs()) {
            String rest = text(kv.getKey()).substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && makesACluster.test(rest.substring(slash + 1))) {
                names.add(rest.substring(0, slash));
            }
        }
        return new ArrayList<>(names);
    }

    /** The result of {@code future} within the operation timeout; {@code what} names the call in errors. */
    protected final <T> T await(String what, CompletableFuture<T> future) {
        return EtcdCalls.await(what, future, timeout);
    }
}
