package io.pgha.core.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * What every etcd adapter of pgha shares: the client settings, waiting for a jetcd call within a timeout
 * (every failure a {@link StoreException} that says what failed), UTF-8 keys and values, the lease calls
 * and the election transactions (campaign, resign) of the services that elect one replica per cluster.
 */
public final class EtcdCalls {
    private EtcdCalls() {}

    /** A client for {@code endpoints} (plain http, no credentials); see {@link #client(EtcdAccess, Duration)}. */
    public static Client client(List<String> endpoints, Duration operationTimeout) {
        return client(EtcdAccess.plain(endpoints), operationTimeout);
    }

    /**
     * A client for {@code access} that gives up connecting and retrying after {@code operationTimeout}: TLS
     * with the access' CA and client certificate when it has them, the etcd user and password (read now)
     * when it has one. Certificate and password files are read each time, so rotated files take effect with
     * the next client ({@link EtcdConnection} builds one after calls keep failing).
     *
     * @throws StoreException when a TLS file cannot be loaded (not PEM, a key that does not match)
     */
    public static Client client(EtcdAccess access, Duration operationTimeout) {
        ClientBuilder builder = Client.builder()
                .endpoints(access.endpoints().toArray(String[]::new))
                .connectTimeout(operationTimeout)
                .retryMaxDuration(operationTimeout)
                .keepaliveTime(Duration.ofSeconds(5))
                .keepaliveTimeout(operationTimeout);
        if (access.tls().isPresent()) {
            EtcdAccess.Tls tls = access.tls().get();
            try {
                builder.sslContext(ssl -> {
                    ssl.trustManager(tls.caFile().toFile());
                    if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
                        ssl.keyManager(
                                tls.certFile().get().toFile(),
                                tls.keyFile().get().toFile());
                    }
                });
            } catch (SSLException | RuntimeException e) {
                throw new StoreException(
                        "cannot load the etcd TLS files (" + EtcdAccess.CA_FILE + ", " + EtcdAccess.CERT_FILE + ", "
                                + EtcdAccess.KEY_FILE + "; PEM certificates and a PKCS#8 PEM key): " + e.getMessage(),
                        e);
            }
        }
        if (access.user().isPresent()) {
            builder.user(bytes(access.user().get()))
                    .password(bytes(access.password().orElse("")));
        }
        return builder.build();
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

    /** A new lease of {@code ttl}; returns its id. */
    public static long grantLease(Client client, Duration ttl, Duration timeout) {
        return await(
                        "grant a lease of " + ttl.toSeconds() + " s",
                        client.getLeaseClient().grant(ttl.toSeconds()),
                        timeout)
                .getID();
    }

    /** Revokes {@code lease}: every key bound to it vanishes at once. */
    public static void revokeLease(Client client, long lease, Duration timeout) {
        await("revoke lease " + Long.toHexString(lease), client.getLeaseClient().revoke(lease), timeout);
    }

    /**
     * One election round for {@code key}: creates it with {@code value} on {@code lease} if it does not
     * exist. Returns the key's create revision when it is held on {@code lease} (created now or before),
     * else empty (someone else holds it). {@code what} names the election in errors ("campaign for c1").
     */
    public static Optional<Long> campaign(
            Client client, String what, String key, String value, long lease, Duration timeout) {
        ByteSequence k = bytes(key);
        TxnResponse response = await(
                what,
                client.getKVClient()
                        .txn()
                        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .Then(Op.put(
                                k,
                                bytes(value),
                                PutOption.builder().withLeaseId(lease).build()))
                        .Else(Op.get(k, GetOption.DEFAULT))
                        .commit(),
                timeout);
        if (response.isSucceeded()) {
            return Optional.of(response.getHeader().getRevision()); // the put is the txn's only write
        }
        List<KeyValue> held = response.getGetResponses().isEmpty()
                ? List.of()
                : response.getGetResponses().get(0).getKvs();
        if (!held.isEmpty() && held.get(0).getLease() == lease) {
            return Optional.of(held.get(0).getCreateRevision());
        }
        return Optional.empty();
    }

    /** The compare "{@code key} is still the one created at {@code createRevision}" (an election won then). */
    public static Cmp createdAt(String key, long createRevision) {
        return new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision));
    }

    /** Resigns an election: deletes {@code key} if it is still the one created at {@code createRevision}. */
    public static void resign(Client client, String what, String key, long createRevision, Duration timeout) {
        await(
                what,
                client.getKVClient()
                        .txn()
                        .If(createdAt(key, createRevision))
                        .Then(Op.delete(bytes(key), DeleteOption.DEFAULT))
                        .commit(),
                timeout);
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
