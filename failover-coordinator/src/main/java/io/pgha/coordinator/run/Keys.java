package io.pgha.coordinator.run;

import io.pgha.core.DynamicConfig;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Reads the cluster keys a run needs; an unreadable one is logged and counts as absent (or defaults). */
final class Keys {
    private static final Logger LOG = Logger.getLogger(Keys.class);

    private Keys() {}

    static DynamicConfig config(String cluster, ClusterSnapshot snapshot) {
        try {
            return snapshot.config().map(DynamicConfig::fromJson).orElse(DynamicConfig.DEFAULTS);
        } catch (IllegalArgumentException e) {
            LOG.warnf("the dynamic config of %s cannot be read (defaults in force): %s", cluster, e.getMessage());
            return DynamicConfig.DEFAULTS;
        }
    }

    static Optional<SyncSet> sync(String cluster, ClusterSnapshot snapshot) {
        try {
            return snapshot.sync().map(SyncSet::fromJson);
        } catch (IllegalArgumentException e) {
            LOG.warnf("/sync of %s cannot be read: %s", cluster, e.getMessage());
            return Optional.empty();
        }
    }

    static Optional<Switchover> switchover(String cluster, ClusterSnapshot snapshot) {
        try {
            return snapshot.switchover().map(Switchover::fromJson);
        } catch (IllegalArgumentException e) {
            LOG.warnf("/switchover of %s cannot be read: %s", cluster, e.getMessage());
            return Optional.empty();
        }
    }
}
