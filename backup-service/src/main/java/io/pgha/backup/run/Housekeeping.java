package io.pgha.backup.run;

import io.pgha.backup.decide.Leftovers;
import io.pgha.backup.decide.RetentionPlan;
import io.pgha.backup.decide.RetentionPlanner;
import io.pgha.backup.decide.RetentionPolicy;
import io.pgha.events.BackupEvent;
import io.pgha.events.PghaEvent;
import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** Removes what the decisions say: leftovers of killed backups ({@link Leftovers}) and retention ({@link RetentionPlanner}). */
final class Housekeeping {
    private static final Logger LOG = Logger.getLogger(Housekeeping.class);

    private final String cluster;
    private final Catalog catalog;
    private final WalArchive archive;
    private final RetentionPolicy policy;
    private final Consumer<PghaEvent> events;
    private final Clock clock;

    Housekeeping(
            String cluster,
            Catalog catalog,
            WalArchive archive,
            RetentionPolicy policy,
            Consumer<PghaEvent> events,
            Clock clock) {
        this.cluster = cluster;
        this.catalog = catalog;
        this.archive = archive;
        this.policy = policy;
        this.events = events;
        this.clock = clock;
    }

    /** Removes leftovers of killed backups; returns their ids. */
    List<String> cleanLeftovers(Set<String> liveRuns) throws IOException {
        List<String> leftovers = Leftovers.find(catalog.list(), catalog.folders(), liveRuns);
        for (String id : leftovers) {
            catalog.delete(id);
            LOG.infof("removed backup %s: a leftover of a backup that was killed before it completed", id);
            events.accept(new BackupEvent.BackupRemoved(
                    cluster, id, "leftover of a backup that was killed before it completed", clock.instant()));
        }
        return leftovers;
    }

    /** Applies the retention policy; returns the plan applied. */
    RetentionPlan applyRetention() throws IOException {
        RetentionPlan plan = RetentionPlanner.plan(catalog.list(), archive.list(), policy, clock.instant());
        for (RetentionPlan.Removal removal : plan.backups()) {
            catalog.delete(removal.backupId());
            LOG.infof("retention removed backup %s: %s", removal.backupId(), removal.reason());
            events.accept(
                    new BackupEvent.BackupRemoved(cluster, removal.backupId(), removal.reason(), clock.instant()));
        }
        for (WalName wal : plan.wal()) {
            archive.delete(wal);
        }
        if (!plan.wal().isEmpty()) {
            LOG.infof(
                    "retention removed %d WAL files (%s..%s), older than every kept backup's start",
                    plan.wal().size(),
                    plan.wal().get(0),
                    plan.wal().get(plan.wal().size() - 1));
        }
        return plan;
    }
}
