package io.pgha.backup.decide;

import io.pgha.core.EtcdLayout;
import io.pgha.events.Lsn;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.restore.RecoveryTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a restore request against the catalog and the destination, and picks the backup. Pure: the
 * answer is the backup to restore or the HTTP status and reasons to refuse with.
 */
public final class RestoreValidation {
    private static final Pattern BACKUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private RestoreValidation() {}

    /** The request as read from the body. {@code newCluster} xor {@code replica} names the destination. */
    public record Request(RecoveryTarget target, String backupId, String newCluster, String replica) {}

    /** What the destination cluster looks like in etcd. */
    public record Destination(boolean initialized, boolean hasMembers, boolean hasRestoreRequest) {}

    /** The outcome: a backup (empty when the newest suitable one is left to the restoring agent) or a refusal. */
    public record Verdict(int status, List<String> problems, Optional<BackupRecord> backup) {
        public boolean accepted() {
            return status == 202;
        }
    }

    public static Verdict check(
            String sourceCluster, Request request, List<BackupRecord> records, Destination destination) {
        List<String> problems = new ArrayList<>();
        if (request.target() == null) {
            problems.add("target is required: one of time, lsn, xid, name, immediate or latest, e.g."
                    + " {\"time\": \"2026-12-01T10:15:30Z\"}");
        } else {
            problems.addAll(request.target().problems());
        }
        if ((request.newCluster() == null) == (request.replica() == null)) {
            problems.add("destination needs exactly one of new_cluster (a new cluster's name) or replica (a member's"
                    + " name)");
        }
        if (request.newCluster() != null) {
            name("destination.new_cluster", request.newCluster(), problems);
            if (request.newCluster().equals(sourceCluster)) {
                problems.add("destination.new_cluster must differ from the source cluster " + sourceCluster
                        + " (restore into a new cluster, then switch clients)");
            }
        }
        if (request.replica() != null) {
            name("destination.replica", request.replica(), problems);
        }
        if (request.backupId() != null && !BACKUP_ID.matcher(request.backupId()).matches()) {
            problems.add("backup_id '" + shown(request.backupId()) + "' is not a backup id");
        }
        if (!problems.isEmpty()) {
            return refuse(400, problems);
        }
        if (request.replica() != null) {
            return refuse(
                    501,
                    List.of("re-creating replica " + request.replica() + " from the repository is not built yet:"
                            + " reinitialize it from the primary (POST /reinitialize on its agent), or restore into"
                            + " a new cluster"));
        }
        if (destination.initialized() || destination.hasMembers()) {
            return refuse(
                    409,
                    List.of("cluster " + request.newCluster() + " already exists (it was initialized or has members):"
                            + " choose a new name"));
        }
        if (destination.hasRestoreRequest()) {
            return refuse(409, List.of("cluster " + request.newCluster() + " already has a restore request"));
        }
        List<BackupRecord> complete = records.stream()
                .filter(r -> r.state() == BackupState.COMPLETE)
                .sorted(Comparator.comparing(BackupRecord::id))
                .toList();
        if (request.backupId() != null) {
            Optional<BackupRecord> chosen = records.stream()
                    .filter(r -> r.id().equals(request.backupId()))
                    .findFirst();
            if (chosen.isEmpty()) {
                return refuse(
                        404, List.of("backup " + request.backupId() + " of " + sourceCluster + " does not exist"));
            }
            if (chosen.get().state() != BackupState.COMPLETE) {
                return refuse(
                        409,
                        List.of("backup " + request.backupId() + " is "
                                + chosen.get().state() + ": only complete backups can be restored"));
            }
            if (!reaches(chosen.get(), request.target())) {
                return refuse(
                        409,
                        List.of("backup " + request.backupId() + " is consistent only after the target "
                                + request.target().describe() + ": choose an older backup"));
            }
            return new Verdict(202, List.of(), chosen);
        }
        Optional<BackupRecord> newest =
                complete.stream().filter(r -> reaches(r, request.target())).reduce((a, b) -> b);
        if (newest.isEmpty()) {
            return refuse(
                    409,
                    List.of("no complete backup of " + sourceCluster + " can reach the target "
                            + request.target().describe() + " (" + complete.size() + " complete backups)"));
        }
        return new Verdict(202, List.of(), newest);
    }

    /** Whether restoring {@code backup} can stop at {@code target}: it is consistent at or before the target. */
    static boolean reaches(BackupRecord backup, RecoveryTarget target) {
        if (target.time() != null) {
            Instant consistentAt = backup.stoppedAt() != null ? backup.stoppedAt() : backup.completedAt();
            return consistentAt != null && !consistentAt.isAfter(target.instant());
        }
        if (target.lsn() != null) {
            return backup.stopLsn() != null && backup.stopLsn().compareTo(Lsn.parse(target.lsn())) <= 0;
        }
        return true;
    }

    private static void name(String field, String value, List<String> problems) {
        try {
            EtcdLayout.requireName(field, value);
        } catch (IllegalArgumentException e) {
            problems.add(shown(e.getMessage()));
        }
    }

    private static Verdict refuse(int status, List<String> problems) {
        return new Verdict(status, List.copyOf(problems), Optional.empty());
    }

    private static String shown(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 200 ? printable.substring(0, 200) + "…" : printable;
    }
}
