package io.pgha.backup.run;

import io.pgha.backup.decide.BackupDue;
import io.pgha.backup.decide.SourceChoice;
import io.pgha.backup.run.RunnerState.State;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One cluster's loop on this instance: campaign for the cluster's backup election key, and while
 * active, each tick: {@code observe → archive events → heartbeat → schedule}. Backups run one at a
 * time on a thread of their own so the loop keeps renewing, watching and writing heartbeats.
 */
public final class ClusterRunner {
    private static final Logger LOG = Logger.getLogger(ClusterRunner.class);
    private static final DateTimeFormatter ID =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A request this runner cannot take now; {@code status} is the HTTP answer. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final String cluster;
    private final Services s;
    private final RunnerState state = new RunnerState();
    private final ExecutorService work;
    private final BaseBackup backup;
    private final Housekeeping housekeeping;
    private final RestoreDrill drill;
    private final DumpJobs dumpJobs;
    private final PrimaryWatch watch;
    private volatile String drillRunning;
    private Instant lastDrillAttempt;
    private final Thread thread;
    private volatile boolean running = true;
    /**
     * Changed only through {@link #update}: the loop thread (archive, next due) and the backup and drill
     * threads (running, complete, failure) each change part of it, and a plain read-modify-write lost the
     * other's change (a loop tick during a backup's retention put back {@code running} after the backup
     * ended, and every later backup was refused with 409: fresh-clone run, 2026-12-05, PghactlIT).
     */
    private final AtomicReference<ClusterStats> stats = new AtomicReference<>(ClusterStats.EMPTY);

    private volatile ClusterSnapshot snapshot;
    private Instant activeSince;
    private Optional<Instant> lastFailedAttempt = Optional.empty();
    private String lastIdGiven = "";

    ClusterRunner(String cluster, Services services) {
        this.cluster = cluster;
        this.s = services;
        this.work = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup-" + cluster);
            t.setDaemon(true);
            return t;
        });
        this.backup = new BaseBackup(new BaseBackup.Context(
                cluster,
                s.name(),
                s.repository().catalog(cluster),
                s.repository().backupFiles(cluster),
                s.repository().walArchive(cluster),
                s.compression(),
                s.encrypted(),
                s.tools(),
                s.sql(),
                s.replication(),
                s.spool(),
                s.maxRate(),
                s.basebackupTimeout(),
                s.walWait(),
                s.events(),
                this::isActive,
                s.clock()));
        this.housekeeping = new Housekeeping(
                cluster,
                s.repository().catalog(cluster),
                s.repository().walArchive(cluster),
                s.retention(),
                s.events(),
                s.clock());
        this.drill = new RestoreDrill(new RestoreDrill.Context(
                cluster,
                s.repository().catalog(cluster),
                s.repository().backupFiles(cluster),
                s.repository().walArchive(cluster),
                s.sql(),
                s.binDir(),
                s.spool(),
                s.osUser(),
                s.superuser(),
                s.walWait(),
                s.drillReplayTimeout(),
                s.parallelism(),
                s.events(),
                s.clock()));
        this.dumpJobs = new DumpJobs(cluster, s, work, this::newId);
        this.watch = new PrimaryWatch(cluster, s);
        this.thread = new Thread(this::loop, "cluster-" + cluster);
        this.thread.setDaemon(true);
        s.metrics().register(cluster, stats::get);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        thread.interrupt();
        work.shutdownNow();
        if (state.get() == State.ACTIVE) {
            state.transition(State.ACTIVE, State.STOPPED);
        }
    }

    public String cluster() {
        return cluster;
    }

    /** True while this instance holds the cluster's election key and its lease is valid. */
    public boolean isActive() {
        return state.get() == State.ACTIVE && s.lease().getAsLong() != 0;
    }

    public ClusterStats stats() {
        return stats.get();
    }

    private void update(UnaryOperator<ClusterStats> change) {
        stats.updateAndGet(change);
    }

    /** The id of the restore drill running now, null when none. */
    public String drillRunning() {
        return drillRunning;
    }

    /** The instance holding the election key, if any. */
    public Optional<String> activeInstance() {
        return s.store().activeOf(cluster);
    }

    /**
     * Starts an on-demand backup: its id; refused with 409 while one runs, 503 when this instance is
     * not the active one or the cluster has no running primary.
     */
    public synchronized String requestBackup() {
        requireActive();
        if (drillRunning != null) {
            throw new Refused(
                    409, "restore drill " + drillRunning + " of " + cluster + " is running; try again after it");
        }
        String backupRunning = stats.get().running();
        if (backupRunning != null) {
            throw new Refused(409, "backup " + backupRunning + " of " + cluster + " is running; try again after it");
        }
        ClusterSnapshot snap = s.store().read(cluster);
        SourceChoice.Choice choice = SourceChoice.choose(
                        members(snap), snap.leader().map(LeaderKey::member))
                .orElseThrow(() -> new Refused(
                        503, "cluster " + cluster + " has no running primary: a backup needs one (for pg_switch_wal)"));
        return startBackup(choice);
    }

    /**
     * Makes everything committed until now restorable before a restore is requested: a heartbeat commit
     * on the primary (recovery to a time ends only at the first commit after it), a switch to a new WAL
     * segment, and a wait (at most {@code pgha.backup.wal-wait}) until the closed segment is archived.
     * Empty when the cluster has no running primary: then its archive is all there is. Refused with 503
     * when the segment does not reach the archive in time.
     */
    public Optional<String> archiveUpToNow() {
        ClusterSnapshot snap = s.store().read(cluster);
        Optional<Map.Entry<String, MemberStatus>> primary =
                SourceChoice.primary(members(snap), snap.leader().map(LeaderKey::member));
        if (primary.isEmpty()) {
            return Optional.empty();
        }
        String member = primary.get().getKey();
        Endpoint endpoint = Endpoint.of(member, primary.get().getValue().connUrl());
        try {
            s.sql().heartbeat(endpoint);
            WalName segment = WalName.parse(s.sql().switchWal(endpoint));
            WalArchive archive = s.repository().walArchive(cluster);
            Instant deadline = s.clock().instant().plus(s.walWait());
            while (!archive.contains(segment)) {
                if (s.clock().instant().isAfter(deadline)) {
                    throw new Refused(
                            503,
                            "WAL segment " + segment + " of " + cluster + " did not reach the archive within "
                                    + s.walWait() + ": archiving is behind or failing (see GET /api/v1/clusters/"
                                    + cluster + "/status); a restore to a recent time would stop short of it");
                }
                Thread.sleep(200);
            }
            return Optional.of(segment.name());
        } catch (SQLException | IOException e) {
            throw new Refused(
                    503,
                    "cannot close and archive the current WAL segment of " + cluster + " on " + member + ": "
                            + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(503, "interrupted while waiting for the archive of " + cluster);
        }
    }

    /** Starts an on-demand restore drill: its id; refused with 409 while a backup or drill runs, 503 when passive. */
    public synchronized String requestDrill() {
        requireActive();
        String backupRunning = stats.get().running();
        if (backupRunning != null || drillRunning != null) {
            throw new Refused(
                    409,
                    "a " + (drillRunning != null ? "restore drill (" + drillRunning : "backup (" + backupRunning)
                            + ") of " + cluster + " is running; try again after it");
        }
        if (stats.get().lastComplete() == null) {
            throw new Refused(409, "cluster " + cluster + " has no complete backup to drill on");
        }
        return startDrill();
    }

    private String startDrill() {
        String id = "d-" + newId();
        drillRunning = id;
        lastDrillAttempt = s.clock().instant();
        work.submit(() -> {
            MDC.put("cluster", cluster);
            try {
                ClusterSnapshot snap = s.store().read(cluster);
                var choice = SourceChoice.choose(members(snap), snap.leader().map(LeaderKey::member));
                ClusterStats.DrillResult result = drill.run(id, choice);
                update(current -> current.withDrill(result));
            } catch (RuntimeException e) {
                LOG.warnf("restore drill %s: %s", id, e.getMessage());
            } finally {
                drillRunning = null;
            }
        });
        return id;
    }

    /** The cluster's logical backups in the repository. */
    public io.pgha.backup.dump.DumpCatalog dumpCatalog() {
        return dumpJobs.catalog();
    }

    /** Starts an on-demand logical backup of every database: its id; 409 while one runs. */
    public synchronized String requestDump() {
        requireActive();
        return dumpJobs.request(primaryChoice());
    }

    /**
     * Restores {@code database} of logical backup {@code record} into the new database {@code into} on
     * the primary, in the background: the restore's id (the outcome shows in the status API).
     */
    public synchronized String requestDumpRestore(io.pgha.backup.dump.DumpRecord record, String database, String into) {
        requireActive();
        return dumpJobs.restore(record, database, into, primaryChoice());
    }

    /** The last logical backup restore's outcome (null when none ran). */
    public Map<String, Object> lastDumpRestore() {
        return dumpJobs.lastRestore();
    }

    public String dumpRunning() {
        return dumpJobs.running();
    }

    private SourceChoice.Choice primaryChoice() {
        ClusterSnapshot snap = s.store().read(cluster);
        return SourceChoice.choose(members(snap), snap.leader().map(LeaderKey::member))
                .orElseThrow(() -> new Refused(503, "cluster " + cluster + " has no running primary"));
    }

    private void scheduleDrill() {
        if (s.drillInterval().isEmpty() || stats.get().lastComplete() == null) {
            return;
        }
        synchronized (this) {
            Instant since = lastDrillAttempt != null ? lastDrillAttempt : activeSince;
            if (drillRunning == null
                    && stats.get().running() == null
                    && !s.clock()
                            .instant()
                            .isBefore(since.plus(s.drillInterval().get()))) {
                startDrill();
            }
        }
    }

    private void requireActive() {
        if (!isActive()) {
            String active = activeInstance().orElse("none");
            throw new Refused(
                    503,
                    "this backup-service (" + s.name() + ") is not the active one of " + cluster + " (active: " + active
                            + "): send the request there");
        }
    }

    private void loop() {
        MDC.put("cluster", cluster);
        while (running) {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warnf("backup loop: %s", e.getMessage());
            }
            try {
                Thread.sleep(s.tick().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick() {
        if (!campaign()) {
            return;
        }
        ClusterSnapshot snap = s.store().read(cluster);
        snapshot = snap;
        Map<String, MemberStatus> members = members(snap);
        Optional<Map.Entry<String, MemberStatus>> primary =
                SourceChoice.primary(members, snap.leader().map(LeaderKey::member));
        primary.ifPresent(
                p -> update(current -> current.withArchive(p.getValue().archive(), p.getKey())));
        watch.archive(primary);
        watch.heartbeat(primary);
        schedule(snap, members);
        scheduleDrill();
        dumpJobs.schedule(
                activeSince, () -> SourceChoice.choose(members, snap.leader().map(LeaderKey::member)));
    }

    /** Holds (or wins) the election key; false while another instance is active or the lease is invalid. */
    private boolean campaign() {
        long lease = s.lease().getAsLong();
        Optional<Long> revision = lease == 0 ? Optional.empty() : s.store().campaign(cluster, s.name(), lease);
        if (revision.isEmpty()) {
            if (state.get() == State.ACTIVE) {
                state.transition(State.ACTIVE, State.PASSIVE);
                update(current -> current.withNext(null));
            }
            return false;
        }
        if (state.get() == State.PASSIVE) {
            becomeActive();
        }
        return true;
    }

    private void becomeActive() {
        state.transition(State.PASSIVE, State.ACTIVE);
        activeSince = s.clock().instant();
        try {
            String live = stats.get().running();
            housekeeping.cleanLeftovers(live == null ? Set.of() : Set.of(live));
            BackupRecord newest = newestComplete().orElse(null);
            update(current -> current.withComplete(newest, current.lastDurationSeconds()));
        } catch (IOException e) {
            LOG.warnf("cannot read the repository's catalog (%s): leftovers are cleaned before the next backup", e);
        }
    }

    private void schedule(ClusterSnapshot snap, Map<String, MemberStatus> members) {
        Instant now = s.clock().instant();
        ClusterStats seen = stats.get();
        BackupDue.Facts facts = new BackupDue.Facts(
                seen.running() != null,
                Optional.ofNullable(seen.lastComplete()).map(BackupRecord::startedAt),
                lastFailedAttempt,
                activeSince);
        Instant next = BackupDue.next(facts, s.schedule(), now);
        update(current -> current.withNext(next));
        if (!BackupDue.due(facts, s.schedule(), now)) {
            return;
        }
        synchronized (this) {
            if (stats.get().running() != null || drillRunning != null) {
                return;
            }
            Optional<SourceChoice.Choice> choice =
                    SourceChoice.choose(members, snap.leader().map(LeaderKey::member));
            if (choice.isEmpty()) {
                LOG.debugf("a backup is due but the cluster has no running primary");
                return;
            }
            startBackup(choice.get());
        }
    }

    private String startBackup(SourceChoice.Choice choice) {
        String id = newId();
        update(current -> current.withRunning(id));
        work.submit(() -> runBackup(id, choice));
        return id;
    }

    private void runBackup(String id, SourceChoice.Choice choice) {
        MDC.put("cluster", cluster);
        MDC.put("member", choice.source());
        try {
            housekeeping.cleanLeftovers(Set.of(id));
            BackupRecord result = backup.run(id, choice);
            if (result.state() == BackupState.COMPLETE) {
                double seconds = Duration.between(result.startedAt(), result.completedAt())
                                .toMillis()
                        / 1000.0;
                update(current -> current.withComplete(result, seconds));
                lastFailedAttempt = Optional.empty();
                housekeeping.applyRetention();
            } else {
                update(current -> current.withFailure(result.reason()));
                lastFailedAttempt = Optional.of(s.clock().instant());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("backup %s: %s", id, e.getMessage());
            lastFailedAttempt = Optional.of(s.clock().instant());
        } finally {
            update(current -> current.withRunning(null));
            MDC.remove("member");
        }
    }

    private Optional<BackupRecord> newestComplete() throws IOException {
        return s.repository().catalog(cluster).list().stream()
                .filter(r -> r.state() == BackupState.COMPLETE)
                .reduce((a, b) -> b);
    }

    private synchronized String newId() {
        String id = ID.format(s.clock().instant());
        if (id.compareTo(lastIdGiven) <= 0) {
            id = lastIdGiven + "-1";
        }
        lastIdGiven = id;
        return id;
    }

    static Map<String, MemberStatus> members(ClusterSnapshot snap) {
        Map<String, MemberStatus> members = new HashMap<>();
        for (MemberEntry e : snap.members().values()) {
            members.put(e.name(), e.status());
        }
        return members;
    }

    /** The last snapshot read while active, null before. */
    ClusterSnapshot snapshot() {
        return snapshot;
    }
}
