package io.pgha.core.store;

import java.time.Duration;

/** The etcd lease calls every pgha store has: grant, renew once, revoke. */
public interface LeaseStore {
    /** A new lease of {@code ttl}; returns its id. */
    long grantLease(Duration ttl);

    /** Renews {@code lease} once; returns the remaining TTL in seconds, 0 or less when the lease is gone. */
    long keepAliveOnce(long lease);

    /** Revokes {@code lease} (its keys vanish at once). */
    void revokeLease(long lease);
}
