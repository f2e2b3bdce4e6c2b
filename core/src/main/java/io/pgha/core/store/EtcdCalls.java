package io.pgha.core.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every etcd adapter of pgha shares: the client settings, waiting for a jetcd call within a timeout
 * (every failure a {@link StoreException} that says what failed), and UTF-8 keys and values.
 */
public final class EtcdCalls {
    private EtcdCalls() {}

    /** A client for {@code endpoints} that gives up connecting and retrying after {@code operationTimeout}. */
    public static Client client(List<String> endpoints, Duration operationTimeout) {
        return Client.builder()
                .endpoints(endpoints.toArray(String[]::new))
                .connectTimeout(operationTimeout)
                .retryMaxDuration(operationTimeout)
                .keepaliveTime(Duration.ofSeconds(5))
                .keepaliveTimeout(operationTimeout)
                .build();
    }

    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    public static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The result of {@code future}, or a {@link StoreException} naming {@code what} ("renew lease 1f"). */
    public static <T> T await(String what, CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException("etcd did not " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new StoreException("etcd could not " + what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for etcd to " + what, e);
        }
    }

    /**
     * Renews {@code lease} once: the TTL left in seconds, or 0 when etcd no longer has the lease (it
     * expired or was revoked). Any other failure is a {@link StoreException}.
     */
    public static long keepAliveOnce(Client client, long lease, Duration timeout) {
        try {
            return await(
                            "renew lease " + Long.toHexString(lease),
                            client.getLeaseClient().keepAliveOnce(lease),
                            timeout)
                    .getTTL();
        } catch (StoreException e) {
            if (isLeaseNotFound(e)) {
                return 0;
            }
            throw e;
        }
    }

    /** True when {@code e} says the lease no longer exists (it expired or was revoked). */
    public static boolean isLeaseNotFound(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("requested lease not found")) {
                return true;
            }
        }
        return false;
    }
}
