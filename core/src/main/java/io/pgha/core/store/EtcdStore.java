package io.pgha.core.store;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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

    /** The result of {@code future} within the operation timeout; {@code what} names the call in errors. */
    protected final <T> T await(String what, CompletableFuture<T> future) {
        return EtcdCalls.await(what, future, timeout);
    }
}
