package io.pgha.backup.etcd;

import io.pgha.core.EtcdLayout;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaseStore;
import java.util.List;
import java.util.Optional;

/**
 * The etcd keys backup-service uses: the member keys (read only), its election key per cluster
 * ({@link EtcdLayout#backup()}) and the restore request and status of a new cluster. Every call
 * completes within the store's timeout or throws {@link io.pgha.core.store.StoreException}.
 */
public interface BackupStore extends LeaseStore, AutoCloseable {
    /** The clusters under the namespace that have members or were initialized, sorted. */
    List<String> clusters();

    EtcdLayout layout(String cluster);

    /** One consistent read of {@code cluster}'s keys. */
    ClusterSnapshot read(String cluster);

    /**
     * Tries to be the active backup-service of {@code cluster}: creates its election key naming
     * {@code me} on {@code lease}. The key's create revision when this instance holds it, else empty.
     */
    Optional<Long> campaign(String cluster, String me, long lease);

    /** The instance named by {@code cluster}'s election key, if any. */
    Optional<String> activeOf(String cluster);

    /** Deletes the election key if it is still the one created at {@code revision}. */
    void resign(String cluster, long revision);

    /** Writes {@code json} at {@code cluster}'s restore request key unless one exists; false when it did. */
    boolean createRestoreRequest(String cluster, String json);

    /** {@code cluster}'s restore request, if any. */
    Optional<String> restoreRequest(String cluster);

    /** Every restore request under the namespace, by the (new) cluster it is for. */
    java.util.Map<String, String> restoreRequests();

    /** {@code cluster}'s restore status (written by its bootstrapping agent), if any. */
    Optional<String> restoreStatus(String cluster);

    @Override
    void close();
}
