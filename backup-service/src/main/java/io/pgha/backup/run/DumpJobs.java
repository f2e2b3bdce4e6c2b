package io.pgha.backup.run;

import io.pgha.backup.decide.SourceChoice;
import io.pgha.backup.dump.DumpCatalog;
import io.pgha.backup.dump.DumpRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** A cluster's logical backups and their restores, run on the cluster's worker thread. */
final class DumpJobs {
    private static final Logger LOG = Logger.getLogger(DumpJobs.class);

    private final String cluster;
    private final Services s;
    private final ExecutorService work;
    private final Supplier<String> newId;
    private final LogicalDump dumps;
    private volatile String running;
    private volatile Map<String, Object> lastRestore;
    private Instant lastAttempt;

    DumpJobs(String cluster, Services services, ExecutorService work, Supplier<String> newId) {
        this.cluster = cluster;
        this.s = services;
        this.work = work;
        this.newId = newId;
        this.dumps = new LogicalDump(new LogicalDump.Context(
                cluster,
                catalog(),
                s.sql(),
                s.superuserCredentials(),
                s.binDir(),
                s.spool(),
                s.dumpTimeout(),
                s.dumpKeep(),
                s.events(),
                s.clock()));
    }

    DumpCatalog catalog() {
        return new DumpCatalog(s.repository().store(), s.repository().codec(), cluster);
    }

    String running() {
        return running;
    }

    Map<String, Object> lastRestore() {
        return lastRestore;
    }

    /** Starts a logical backup from {@code choice}'s source: its id; refused with 409 while one runs. */
    synchronized String request(SourceChoice.Choice choice) {
        if (running != null) {
            throw new ClusterRunner.Refused(
                    409, "logical backup " + running + " of " + cluster + " is running; try again after it");
        }
        String id = newId.get();
        running = id;
        lastAttempt = s.clock().instant();
        work.submit(() -> {
            MDC.put("cluster", cluster);
            try {
                dumps.run(id, choice);
            } finally {
                running = null;
            }
        });
        return id;
    }

    /** Starts restoring {@code database} of {@code record} into {@code into} on the primary: the restore's id. */
    synchronized String restore(DumpRecord record, String database, String into, SourceChoice.Choice choice) {
        String restoreId = "dr-" + newId.get();
        Map<String, Object> pending = new LinkedHashMap<>();
        pending.put("id", restoreId);
        pending.put("dump_id", record.id());
        pending.put("database", database);
        pending.put("into", into);
        pending.put("state", "RUNNING");
        lastRestore = pending;
        work.submit(() -> {
            MDC.put("cluster", cluster);
            Map<String, Object> done = new LinkedHashMap<>(pending);
            try {
                dumps.restore(
                        record,
                        database,
                        into,
                        Endpoint.of(choice.primary(), choice.primaryStatus().connUrl()));
                done.put("state", "COMPLETE");
            } catch (Exception e) {
                done.put("state", "FAILED");
                done.put("reason", e.getMessage());
                LOG.warnf("restore of dump %s into %s failed: %s", record.id(), into, e.getMessage());
            }
            done.put("finished_at", s.clock().instant().toString());
            lastRestore = done;
        });
        return restoreId;
    }

    /** Starts a scheduled logical backup when {@code pgha.backup.dump.interval} passed since the last one. */
    synchronized void schedule(Instant activeSince, Supplier<Optional<SourceChoice.Choice>> choice) {
        if (s.dumpInterval().isEmpty() || running != null) {
            return;
        }
        Instant since = lastAttempt != null ? lastAttempt : activeSince;
        if (!s.clock().instant().isBefore(since.plus(s.dumpInterval().get()))) {
            choice.get().ifPresent(this::request);
        }
    }
}
