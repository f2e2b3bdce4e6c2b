package io.pgha.coordinator.etcd;

import io.pgha.core.EtcdLayout;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaseStore;
import io.pgha.core.store.RouterReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The coordinator's reads and writes of the cluster keys. Every write that carries out a decision
 * also requires this replica's election key to be the one it created ({@code electionRevision}), so
 * a replica that lost its leadership cannot write, whatever it still believes. {@link
 * EtcdCoordinatorStore} is the real one; tests use an in-memory one.
 */
public interface CoordinatorStore extends LeaseStore, AutoCloseable {
    /** The name of the election key under a cluster's prefix. */
    String ELECTION_KEY = "coordinator";

    /** One consistent read of {@code cluster}'s keys. */
    ClusterSnapshot read(String cluster);

    EtcdLayout layout(String cluster);

    /**
     * What every config-renderer of {@code cluster} reports having applied, by router name; a report
     * that cannot be read is an empty optional (it never confirms anything).
     */
    Map<String, Optional<RouterReport>> routers(String cluster);

    /** The clusters that have keys under the namespace other than an election key, sorted. */
    List<String> clusters();

    /**
     * Tries to lead {@code cluster}: creates its election key naming {@code me} on {@code lease}. Returns
     * the key's create revision when this replica holds it (now or already), else empty.
     */
    Optional<Long> campaign(String cluster, String me, long lease);

    /** Who leads {@code cluster} now (the election key's value), if anyone. */
    Optional<String> coordinatorOf(String cluster);

    /** Gives up the leadership of {@code cluster} (deletes the election key if it is still ours). */
    void resign(String cluster, long electionRevision);

    /**
     * Writes the leader key naming {@code member}, bound to that member's own {@code memberLease}, if
     * the key is absent and this replica still leads. Returns the key's revision (the new epoch), or 0.
     */
    long writeLeader(String cluster, String member, long memberLease, long electionRevision);

    /**
     * Synchronous mode: writes {@code /sync} with {@code sync} and the leader key naming {@code member}
     * (bound to its {@code memberLease}) in one transaction, if the leader key is absent, {@code /sync}
     * is still at {@code syncExpected} (0: absent) and this replica still leads. Returns the new epoch
     * (the revision of both keys), or 0 with nothing written. One round trip instead of three, and no
     * reader ever sees the leader key without its synchronous set.
     */
    long writeLeaderWithSync(
            String cluster, String member, long memberLease, String sync, long syncExpected, long electionRevision);

    /** Deletes the leader key if it is still the one written at {@code leaderRevision} and we still lead. */
    boolean takeBackLeader(String cluster, long leaderRevision, long electionRevision);

    /**
     * Fast failover: writes {@code /detach} with {@code value} if it is absent, the leader key is still
     * the one of {@code leaderRevision} and this replica still leads. False otherwise. With {@code
     * leaderRevision} 0 (quorum commit's leaderless order) the leader key must be absent.
     */
    boolean writeDetach(String cluster, String value, long leaderRevision, long electionRevision);

    /**
     * Fast failover: deletes the leader key and {@code /detach} in one transaction, if the leader key
     * is still the one of {@code leaderRevision}, {@code /detach} still the one of {@code
     * detachRevision} and this replica still leads. False otherwise (nothing deleted).
     */
    boolean deleteLeaderAndDetach(String cluster, long leaderRevision, long detachRevision, long electionRevision);

    /**
     * Writes {@code key} (a name under the cluster's prefix) if its mod revision is still {@code
     * expected} (0: absent) and, when {@code electionRevision} is not 0, this replica still leads.
     */
    boolean compareAndPut(String cluster, String key, String value, long expected, long electionRevision);

    /** Deletes {@code key} under the same conditions as {@link #compareAndPut}. */
    boolean compareAndDelete(String cluster, String key, long expected, long electionRevision);

    /**
     * Deletes every key under {@code cluster}'s prefix ({@code pghactl remove}, Patroni's {@code
     * delete_cluster}), the election keys included; the number of keys deleted.
     */
    long deleteCluster(String cluster);

    /**
     * Calls {@code onChange} with the cluster name and the key under its prefix of every changed key
     * under the namespace.
     */
    AutoCloseable watch(BiConsumer<String, String> onChange, Runnable onError);

    @Override
    void close();
}
