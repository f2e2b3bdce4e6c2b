package io.pgha.backup.decide;

import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.wal.WalName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides what retention removes, from the catalog, the archived WAL names and the policy. Pure.
 *
 * <ul>
 *   <li>Complete backups: the newest {@code full-count} are kept; with a recovery window, every backup
 *       that stopped inside the window is kept, plus the newest one that stopped before it (restoring
 *       to the window's start needs it); pinned backups are kept. The others are removed.
 *   <li>RUNNING backups are never touched (the leftover clean-up handles abandoned ones).
 *   <li>FAILED records older than the oldest kept complete backup are removed (their files already are).
 *   <li>WAL: a segment of timeline {@code t} is removed when it lies before the start segment of every
 *       kept backup on a timeline up to {@code t} (of every kept backup when none is on such a
 *       timeline); {@code .history} files are never removed; with no kept complete backup nothing is.
 * </ul>
 */
public final class RetentionPlanner {
    private static final Comparator<BackupRecord> OLDEST_FIRST = Comparator.comparing(
                    (BackupRecord r) -> r.startedAt() == null ? Instant.EPOCH : r.startedAt())
            .thenComparing(BackupRecord::id);

    private RetentionPlanner() {}

    public static RetentionPlan plan(
            List<BackupRecord> records, List<WalName> archived, RetentionPolicy policy, Instant now) {
        List<BackupRecord> complete = records.stream()
                .filter(r -> r.state() == BackupState.COMPLETE)
                .sorted(OLDEST_FIRST)
                .toList();
        Set<String> keep = keptComplete(complete, policy, now);
        List<BackupRecord> kept =
                complete.stream().filter(r -> keep.contains(r.id())).toList();

        List<RetentionPlan.Removal> removals = new ArrayList<>();
        for (BackupRecord r : complete) {
            if (!keep.contains(r.id())) {
                removals.add(new RetentionPlan.Removal(r.id(), whyNotKept(policy)));
            }
        }
        if (!kept.isEmpty()) {
            BackupRecord oldestKept = kept.get(0);
            records.stream()
                    .filter(r -> r.state() == BackupState.FAILED)
                    .filter(r -> OLDEST_FIRST.compare(r, oldestKept) < 0)
                    .sorted(OLDEST_FIRST)
                    .forEach(r -> removals.add(new RetentionPlan.Removal(
                            r.id(), "failed, and older than the oldest kept backup " + oldestKept.id())));
        }
        return new RetentionPlan(
                removals,
                walToRemove(archived, kept),
                kept.stream().map(BackupRecord::id).toList());
    }

    private static Set<String> keptComplete(List<BackupRecord> complete, RetentionPolicy policy, Instant now) {
        Set<String> keep = new LinkedHashSet<>();
        for (int i = Math.max(0, complete.size() - policy.fullCount()); i < complete.size(); i++) {
            keep.add(complete.get(i).id());
        }
        if (policy.recoveryWindow().isPresent()) {
            Instant windowStart = now.minus(policy.recoveryWindow().get());
            BackupRecord newestBefore = null;
            for (BackupRecord r : complete) {
                Instant stopped = stoppedAt(r);
                if (!stopped.isBefore(windowStart)) {
                    keep.add(r.id());
                } else {
                    newestBefore = r;
                }
            }
            if (newestBefore != null) {
                keep.add(newestBefore.id());
            }
        }
        complete.stream().filter(BackupRecord::pinned).forEach(r -> keep.add(r.id()));
        return keep;
    }

    private static List<WalName> walToRemove(List<WalName> archived, List<BackupRecord> kept) {
        List<WalName> starts = new ArrayList<>();
        for (BackupRecord r : kept) {
            if (r.startWal() == null || !WalName.isValid(r.startWal())) {
                return List.of(); // a kept backup that does not say where it starts: keep every segment
            }
            starts.add(WalName.parse(r.startWal()));
        }
        if (starts.isEmpty()) {
            return List.of();
        }
        long oldestOfAll =
                starts.stream().mapToLong(WalName::segmentNumber).min().orElseThrow();
        List<WalName> remove = new ArrayList<>();
        for (WalName w : archived) {
            if (w.kind() == WalName.Kind.HISTORY) {
                continue;
            }
            long threshold = starts.stream()
                    .filter(s -> s.timeline() <= w.timeline())
                    .mapToLong(WalName::segmentNumber)
                    .min()
                    .orElse(oldestOfAll);
            if (w.segmentNumber() < threshold) {
                remove.add(w);
            }
        }
        remove.sort(null);
        return remove;
    }

    private static Instant stoppedAt(BackupRecord r) {
        if (r.stoppedAt() != null) {
            return r.stoppedAt();
        }
        if (r.completedAt() != null) {
            return r.completedAt();
        }
        return r.startedAt() == null ? Instant.EPOCH : r.startedAt();
    }

    private static String whyNotKept(RetentionPolicy policy) {
        return "not among the newest " + policy.fullCount() + " complete backups"
                + policy.recoveryWindow()
                        .map(w -> ", not needed for the recovery window of " + w)
                        .orElse("")
                + " and not pinned";
    }
}
