package io.pgha.core.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a jetcd call: within a timeout, every failure a {@link StoreException} that says what failed. */
public final class EtcdCalls {
    private EtcdCalls() {}

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
