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
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The base of pgha's etcd adapters ({@link EtcdClusterStore} and the stores of failover-coordinator and
 * backup-service): one {@link EtcdConnection} (a client replaced when calls keep failing), one operation
 * timeout that every call completes within (or throws {@link StoreException}), and the lease calls they
 * all have. Closing the store closes its connection.
 */
public abstract class EtcdStore implements LeaseStore, AutoCloseable {
    protected final EtcdConnection connection;
    protected final Duration timeout;

    protected EtcdStore(EtcdConnection connection) {
        this.connection = connection;
        this.timeout = connection.timeout();
    }

    @Override
    public long grantLease(Duration ttl) {
        return connection.call(c -> EtcdCalls.grantLease(c, ttl, timeout));
    }

    @Override
    public long keepAliveOnce(long lease) {
        return connection.call(c -> EtcdCalls.keepAliveOnce(c, lease, timeout));
    }

    @Override
    public void revokeLease(long lease) {
        connection.call(c -> {
            EtcdCalls.revokeLease(c, lease, timeout);
            return null;
        });
    }

    @Override
    public void close() {
        connection.close();
    }

    /**
     * The clusters under {@code namespace}, sorted: the names {@code <namespace>/<cluster>/<key>} for which
     * {@code makesACluster} accepts {@code <key>}.
     */
    protected final List<String> clusters(String namespace, Predicate<String> makesACluster) {
        String prefix = namespace + "/";
        var response = await("list the clusters under " + prefix, c -> c.getKVClient()
                .get(
                        bytes(prefix),
                        GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
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

    /**
     * The result of the call {@code request} starts on the connection's client, within the operation
     * timeout; {@code what} names the call in errors.
     */
    protected final <T> T await(String what, Function<Client, CompletableFuture<T>> request) {
        return connection.await(what, request);
    }
}
