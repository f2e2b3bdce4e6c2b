package io.pgha.core.store;

import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;

/**
 * The cluster's keys in etcd, as the agent (and later the coordinator) use them. Every call either
 * completes within the store's operation timeout or throws {@link StoreException}.
 */
public interface ClusterStore extends LeaseStore, AutoCloseable {
    /** Creates {@code members/<name>} bound to {@code lease}; false when the key already exists. */
    boolean createMember(String name, MemberStatus status, long lease);

    /** Writes {@code members/<name>} bound to {@code lease}. */
    void putMember(String name, MemberStatus status, long lease);

    /** Creates {@code initialize} with {@code value}; false when it already exists (create-only race). */
    boolean createInitialize(String value);

    /** Overwrites {@code initialize} (the bootstrap winner stores the system identifier). */
    void putInitialize(String value);

    /** Deletes {@code initialize} (a bootstrap that failed gives the race back). */
    void deleteInitialize();

    /** Creates the leader key naming {@code member}, bound to {@code lease}; false when it exists. */
    boolean acquireLeader(String member, long lease);

    /** Deletes the leader key if it still names {@code member}; false when it did not. */
    boolean releaseLeader(String member);

    /**
     * A planned handover's end, in one transaction: deletes the leader key if it still names {@code
     * member} and, if {@code switchover} is unchanged since {@code switchoverRevision}, rewrites it as
     * {@code handedOver} (which records the shutdown checkpoint the candidate received). False when the
     * leader key no longer names {@code member} or the switchover key changed meanwhile: nothing was
     * changed then.
     */
    boolean handOverLeader(String member, String handedOver, long switchoverRevision);

    /** Writes {@code config} when absent; false when a config is already there. */
    boolean createConfig(DynamicConfig config);

    /** Creates or updates {@code status} (the leader's last known WAL position). */
    void putStatus(String json, long lease);

    /** Reads every key of the cluster at once. */
    ClusterSnapshot read();

    /**
     * Calls {@code onChange} on every change of the leader, config, sync, switchover or detach key after {@code
     * fromRevision} (inclusive); close the result to stop.
     */
    AutoCloseable watch(long fromRevision, Runnable onChange);

    @Override
    void close();
}
