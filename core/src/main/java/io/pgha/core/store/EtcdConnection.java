package io.pgha.core.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One service's way to etcd: a jetcd client that is replaced by a new one after {@link
 * #FAILURES_BEFORE_RECONNECT} calls in a row failed.
 *
 * <p>Why: a jetcd client whose members were all unreachable for a while keeps each connection in gRPC's
 * exponential reconnect back-off (1 s growing by 1.6 up to 120 s, with jitter), and jetcd 0.8.5 exposes
 * no way to reset it. After a 30 s isolation the next attempt can lie ~27 s ahead, so an agent stayed cut
 * off from a healthy etcd that long and lost its leader key (a false failover in the chaos run, issue 17;
 * {@code EtcdReconnectIT} shows it). A new client connects at once. Watches opened through {@link
 * #watch} move to the new client, and their owners are told ({@code reopened}) so they re-read what they
 * may have missed.
 */
public final class EtcdConnection implements AutoCloseable {
    /** Failed calls in a row that replace the client: one failure may be a slow member, two are not. */
    public static final int FAILURES_BEFORE_RECONNECT = 2;

    private static final Logger LOG = Logger.getLogger(EtcdConnection.class);

    private final Supplier<Client> clients;
    private final Duration timeout;
    private final List<Reopenable> watches = new CopyOnWriteArrayList<>();
    private volatile Client client;
    /** Calls in a row that failed on {@link #client}; guarded by {@code this}. */
    private int failures;

    private long reconnects;

    /** A connection whose clients come from {@code clients}, every call bounded by {@code timeout}. */
    public EtcdConnection(Supplier<Client> clients, Duration timeout) {
        this.clients = clients;
        this.timeout = timeout;
        this.client = clients.get();
    }

    /** A connection to {@code endpoints} over plain http (see {@link EtcdCalls#client}). */
    public static EtcdConnection to(List<String> endpoints, Duration timeout) {
        return to(EtcdAccess.plain(endpoints), timeout);
    }

    /** A connection by {@code access} (TLS, client certificate, user; see {@link EtcdCalls#client(EtcdAccess, Duration)}). */
    public static EtcdConnection to(EtcdAccess access, Duration timeout) {
        return new EtcdConnection(() -> EtcdCalls.client(access, timeout), timeout);
    }

    public Duration timeout() {
        return timeout;
    }

    /** The result of the call {@code request} starts on the current client, within the timeout. */
    public <T> T await(String what, Function<Client, CompletableFuture<T>> request) {
        return call(c -> EtcdCalls.await(what, request.apply(c), timeout));
    }

    /**
     * Runs {@code body} with the current client; a {@link StoreException} it throws counts as a failed
     * call (and is thrown on), anything it returns as a successful one.
     */
    public <T> T call(Function<Client, T> body) {
        Client used = client;
        try {
            T result = body.apply(used);
            succeeded(used);
            return result;
        } catch (StoreException e) {
            failed(used, e);
            throw e;
        }
    }

    /**
     * Opens a watch with {@code open} on the current client, and again on every client that replaces it;
     * {@code reopened} runs after each such move (events in between may be missed: re-read). Close the
     * result to stop.
     */
    public AutoCloseable watch(Function<Client, Watch.Watcher> open, Runnable reopened) {
        Reopenable watch = new Reopenable(open, reopened);
        synchronized (this) {
            watch.openOn(client);
            watches.add(watch);
        }
        return () -> {
            watches.remove(watch);
            watch.close();
        };
    }

    /** How many times the client was replaced. */
    public synchronized long reconnects() {
        return reconnects;
    }

    private synchronized void succeeded(Client used) {
        if (used == client) {
            failures = 0;
        }
    }

    /**
     * Counts a failed call and replaces the client on the {@link #FAILURES_BEFORE_RECONNECT}th in a row.
     * The replaced client's close (it waits for its channels) and the watch owners' re-reads run after
     * the lock is released, so calls on other threads are not held up behind them.
     */
    private void failed(Client used, StoreException e) {
        Client replaced;
        synchronized (this) {
            replaced = replaceAfterFailure(used, e);
        }
        if (replaced == null) {
            return;
        }
        replaced.close();
        watches.forEach(w -> w.reopened.run());
    }

    /** The client that was replaced, or null when this failure does not replace it. */
    private Client replaceAfterFailure(Client used, StoreException e) {
        if (used != client) {
            return null; // a call on a client already replaced
        }
        failures++;
        if (failures < FAILURES_BEFORE_RECONNECT) {
            return null;
        }
        LOG.warnf("%d etcd calls in a row failed (last: %s); connecting with a new client", failures, e.getMessage());
        Client fresh;
        try {
            fresh = clients.get();
        } catch (RuntimeException buildFailed) {
            LOG.warnf("could not build a new etcd client (the old one stays): %s", buildFailed.getMessage());
            return null;
        }
        client = fresh;
        failures = 0;
        reconnects++;
        for (Reopenable watch : watches) {
            watch.close();
            watch.openOn(fresh);
        }
        return used;
    }

    @Override
    public synchronized void close() {
        watches.forEach(Reopenable::close);
        watches.clear();
        client.close();
    }

    /** A watch and how to open it again on another client. */
    private static final class Reopenable {
        private final Function<Client, Watch.Watcher> open;
        private final Runnable reopened;
        private volatile Watch.Watcher watcher;

        Reopenable(Function<Client, Watch.Watcher> open, Runnable reopened) {
            this.open = open;
            this.reopened = reopened;
        }

        void openOn(Client client) {
            watcher = open.apply(client);
        }

        void close() {
            Watch.Watcher w = watcher;
            if (w != null) {
                try {
                    w.close();
                } catch (RuntimeException e) {
                    LOG.debugf("closing a watch: %s", e.getMessage());
                }
            }
        }
    }
}
