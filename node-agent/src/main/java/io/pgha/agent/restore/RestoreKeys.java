package io.pgha.agent.restore;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdCalls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The restore request and status keys of this cluster ({@link EtcdLayout#restoreRequest()}, {@code restoreStatus()}). */
public final class RestoreKeys implements AutoCloseable {
    private final Client client;
    private final EtcdLayout layout;
    private final Duration timeout;

    public RestoreKeys(EtcdAccess etcd, EtcdLayout layout, Duration timeout) {
        this.client = EtcdCalls.client(etcd, timeout);
        this.layout = layout;
        this.timeout = timeout;
    }

    /** The request's JSON, if the key exists. */
    public Optional<String> request() {
        try {
            GetResponse r = client.getKVClient()
                    .get(bytes(layout.restoreRequest()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return r.getKvs().isEmpty()
                    ? Optional.empty()
                    : Optional.of(r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + layout.restoreRequest(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot read " + layout.restoreRequest() + " from etcd: " + e.getMessage(), e);
        }
    }

    /** Writes the status (a failure to write is not fatal to the restore: it is retried with the next step). */
    public void status(RestoreStatus status) {
        try {
            client.getKVClient()
                    .put(bytes(layout.restoreStatus()), bytes(Json.write(status)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            org.jboss.logging.Logger.getLogger(RestoreKeys.class)
                    .warnf("cannot write %s: %s", layout.restoreStatus(), e.getMessage());
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
