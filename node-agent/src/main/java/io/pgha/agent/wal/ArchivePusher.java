package io.pgha.agent.wal;

import io.pgha.agent.decide.TimelineFork;
import io.pgha.core.ArchiveStatus;
import io.pgha.events.Lsn;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalConflictException;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Pushes the WAL files PostgreSQL's archive_command hands to the agent, and the other ready ones
 * ahead of it. PostgreSQL archives one file at a time; after each push that succeeds, the files
 * waiting in {@code pg_wal/archive_status} ({@code .ready}) are pushed in parallel ({@code push-ahead}
 * at once, at most {@code queue-size} queued, the rest left for later), so by the time the archiver
 * asks for them they are done. A file pushed ahead is remembered (while its {@code .ready} exists) and
 * answered at once. Every push goes through {@link WalArchive#push}: the same content again succeeds,
 * different content is refused and never overwritten.
 */
public final class ArchivePusher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ArchivePusher.class);
    private static final Duration TIMELINE_CHECK_EVERY = Duration.ofSeconds(30);

    /** What a push came to, and the HTTP status the archive endpoint answers with. */
    public enum Result {
        ARCHIVED(200),
        ALREADY_ARCHIVED(200),
        /** A segment of a timeline after this member's history left it: not this member's to archive. */
        NOT_IN_HISTORY(200),
        CONFLICT(409),
        MISSING(404),
        FAILED(503);

        public final int httpStatus;

        Result(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    /** A push's result and a sentence about it. */
    public record Outcome(Result result, String message) {}

    private final WalArchive archive;
    private final Path pgWal;
    private final Clock clock;
    private final ArchiveStats stats = new ArchiveStats();
    private final ThreadPoolExecutor ahead;
    private final Runnable logContext;
    private final ExecutorService timelineChecks;
    private final Map<String, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();
    private final Set<String> pushedAhead = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastTimelineCheckMillis = new AtomicLong(Long.MIN_VALUE / 2);
    /** The highest timeline of a segment or history file this member pushed (a .partial of an older one does not count). */
    private final java.util.concurrent.atomic.AtomicInteger ownTimeline =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param logContext sets the logging context (cluster, member) on the pusher's threads
     */
    public ArchivePusher(WalArchive archive, Path dataDir, ArchiveSettings settings, Clock clock, Runnable logContext) {
        this.archive = archive;
        this.logContext = logContext;
        this.timelineChecks = Executors.newSingleThreadExecutor(r -> daemon(r, "pgha-wal-tl"));
        this.pgWal = dataDir.resolve("pg_wal");
        this.clock = clock;
        this.ahead = new ThreadPoolExecutor(
                settings.pushAhead(),
                settings.pushAhead(),
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queueSize()),
                r -> daemon(r, "pgha-wal-push"));
        this.ahead.allowCoreThreadTimeOut(true);
    }

    /** archive_command's request: push {@code pg_wal/<name>} (or confirm it was pushed ahead). */
    public Outcome archive(WalName name) {
        CompletableFuture<Outcome> running = inFlight.get(name.name());
        if (running != null) {
            running.join(); // pushed ahead right now: wait, then confirm below
        }
        Outcome outcome;
        if (pushedAhead.remove(name.name())) {
            outcome = new Outcome(Result.ALREADY_ARCHIVED, name + " was pushed ahead");
        } else {
            outcome = push(name);
        }
        if (outcome.result() == Result.ARCHIVED || outcome.result() == Result.ALREADY_ARCHIVED) {
            if (name.kind() == WalName.Kind.SEGMENT || name.kind() == WalName.Kind.HISTORY) {
                ownTimeline.accumulateAndGet(name.timeline(), Math::max);
            }
            pushReadyAhead(name);
            checkTimelineSoon();
        } else if (outcome.result() == Result.NOT_IN_HISTORY) {
            pushReadyAhead(name);
        }
        return outcome;
    }

    /** The archiver's state, with the number of files PostgreSQL has marked ready and not yet archived. */
    public ArchiveStatus status() {
        return stats.status(readyFiles().size());
    }

    /** When a file was last archived, if one was. */
    public Instant lastArchivedAt() {
        return stats.lastArchivedAt();
    }

    public long archivedCount() {
        return stats.archivedCount();
    }

    public long failedCount() {
        return stats.failedCount();
    }

    /** Files PostgreSQL has marked ready and not archived yet. */
    public int queued() {
        return readyFiles().size();
    }

    private Outcome push(WalName name) {
        Path file = pgWal.resolve(name.name());
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Outcome(Result.MISSING, "no WAL file " + name + " in " + pgWal);
        }
        Instant now = clock.instant();
        try {
            WalArchive.Pushed pushed = archive.push(name, file);
            stats.archived(name.name(), clock.instant());
            return pushed == WalArchive.Pushed.ARCHIVED
                    ? new Outcome(Result.ARCHIVED, name + " archived")
                    : new Outcome(Result.ALREADY_ARCHIVED, name + " was already archived with the same content");
        } catch (WalConflictException e) {
            Optional<Outcome> foreign = notInHistory(name);
            if (foreign.isPresent()) {
                LOG.warn(foreign.get().message());
                return foreign.get();
            }
            LOG.errorf("WAL archive conflict: %s", e.getMessage());
            stats.conflict(name.name(), now, e.getMessage());
            return new Outcome(Result.CONFLICT, e.getMessage());
        } catch (IOException | RuntimeException e) {
            String reason = "could not push " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + " (PostgreSQL keeps the file and retries)";
            LOG.warn(reason);
            stats.failed(name.name(), now, reason);
            return new Outcome(Result.FAILED, reason);
        }
    }

    /**
     * A conflicting segment this member's own history does not contain: the newest timeline history in
     * {@code pg_wal} (this member's lineage, as PostgreSQL's {@code recovery_target_timeline = latest}
     * reads it) left the segment's timeline at or before the segment's start. Such a file is a recycled
     * segment, or WAL written after the fork, that PostgreSQL still marked ready; the archive keeps the
     * copy of the member that did write that timeline there. Answered as done so that it does not
     * block the archiver (chaos run 2026-12-04: a new primary's archiver stuck for 6 minutes).
     */
    private Optional<Outcome> notInHistory(WalName name) {
        if (name.kind() != WalName.Kind.SEGMENT) {
            return Optional.empty();
        }
        try {
            Optional<WalName> newest = newestHistory();
            if (newest.isEmpty()) {
                return Optional.empty();
            }
            String history = Files.readString(pgWal.resolve(newest.get().name()));
            return leftBefore(name, newest.get().timeline(), history)
                    .map(left -> new Outcome(
                            Result.NOT_IN_HISTORY,
                            name + " differs from the archived copy but is not part of this member's history:"
                                    + " timeline " + name.timeline() + " ended at " + left + " in "
                                    + newest.get().name() + ", before the segment starts (" + name.startLsn()
                                    + "); the archive keeps the copy of the member that wrote it, this one is"
                                    + " not archived"));
        } catch (IOException | IllegalArgumentException e) {
            LOG.debugf("no timeline history to check %s against: %s", name, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Where a lineage ending on {@code historyTimeline} (its history file {@code history}) left the
     * timeline of {@code segment}, when that is at or before the segment's first byte; empty when the
     * segment is (or may be) part of that lineage.
     */
    static Optional<Lsn> leftBefore(WalName segment, int historyTimeline, String history) {
        if (historyTimeline <= segment.timeline()) {
            return Optional.empty();
        }
        return TimelineFork.switchPoint(history, segment.timeline()).filter(left -> !left.isAfter(segment.startLsn()));
    }

    private Optional<WalName> newestHistory() throws IOException {
        WalName newest = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pgWal, "*.history")) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (WalName.isValid(fileName)) {
                    WalName history = WalName.parse(fileName);
                    if (history.kind() == WalName.Kind.HISTORY
                            && (newest == null || history.timeline() > newest.timeline())) {
                        newest = history;
                    }
                }
            }
        }
        return Optional.ofNullable(newest);
    }

    /** Queues the other ready files, oldest first, as far as the queue has room. */
    private void pushReadyAhead(WalName current) {
        List<WalName> ready = readyFiles();
        Set<String> stillReady = ConcurrentHashMap.newKeySet();
        ready.forEach(n -> stillReady.add(n.name()));
        pushedAhead.retainAll(stillReady);
        for (WalName name : ready) {
            if (name.equals(current) || pushedAhead.contains(name.name()) || inFlight.containsKey(name.name())) {
                continue;
            }
            CompletableFuture<Outcome> future = new CompletableFuture<>();
            inFlight.put(name.name(), future);
            try {
                ahead.execute(() -> {
                    Outcome outcome = push(name);
                    if (outcome.result() == Result.ARCHIVED || outcome.result() == Result.ALREADY_ARCHIVED) {
                        pushedAhead.add(name.name());
                    }
                    inFlight.remove(name.name());
                    future.complete(outcome);
                });
            } catch (RejectedExecutionException full) {
                inFlight.remove(name.name());
                future.complete(null);
                return; // the queue is full: the rest waits for the next push
            }
        }
    }

    /** Every {@code .ready} file in {@code pg_wal/archive_status} with a WAL name, in recovery order. */
    List<WalName> readyFiles() {
        List<WalName> names = new ArrayList<>();
        Path status = pgWal.resolve("archive_status");
        if (!Files.isDirectory(status)) {
            return names;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(status, "*.ready")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String wal = file.substring(0, file.length() - ".ready".length());
                if (WalName.isValid(wal)) {
                    names.add(WalName.parse(wal));
                }
            }
        } catch (IOException e) {
            LOG.debugf("cannot list %s: %s", status, e.getMessage());
        }
        names.sort(null);
        return names;
    }

    /** At most every 30 s, in the background: does the repository hold a timeline above this one? */
    private void checkTimelineSoon() {
        int mine = ownTimeline.get();
        if (mine == 0) {
            return;
        }
        long now = clock.millis();
        long last = lastTimelineCheckMillis.get();
        if (now - last < TIMELINE_CHECK_EVERY.toMillis() || !lastTimelineCheckMillis.compareAndSet(last, now)) {
            return;
        }
        try {
            timelineChecks.execute(() -> {
                try {
                    archive.highestTimeline()
                            .ifPresent(highest -> stats.repositoryTimeline(highest, ownTimeline.get()));
                } catch (IOException | RuntimeException e) {
                    LOG.debugf("cannot read the archive's timelines: %s", e.getMessage());
                }
            });
        } catch (RejectedExecutionException closed) {
            // shutting down
        }
    }

    private Thread daemon(Runnable r, String name) {
        Thread t = new Thread(
                () -> {
                    logContext.run();
                    r.run();
                },
                name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        ahead.shutdownNow();
        timelineChecks.shutdownNow();
    }
}
