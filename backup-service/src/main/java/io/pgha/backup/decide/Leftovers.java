package io.pgha.backup.decide;

import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which backups in the repository are leftovers of a backup that was killed: a RUNNING record that no
 * live run of the active backup-service owns, and a folder without a record (a removal that was cut
 * short). Only the active backup-service of a cluster decides this, after it won the election, so a
 * RUNNING backup of an instance that lost the lease is abandoned (that instance stops its run).
 */
public final class Leftovers {
    private Leftovers() {}

    /**
     * The backup ids to remove, sorted.
     *
     * @param records every readable record
     * @param folders every folder under the cluster's backups
     * @param liveRuns the ids of backups this instance is taking now
     */
    public static List<String> find(List<BackupRecord> records, List<String> folders, Set<String> liveRuns) {
        TreeSet<String> remove = new TreeSet<>();
        Set<String> withRecord = new TreeSet<>();
        for (BackupRecord r : records) {
            withRecord.add(r.id());
            if (r.state() == BackupState.RUNNING && !liveRuns.contains(r.id())) {
                remove.add(r.id());
            }
        }
        for (String folder : folders) {
            if (!withRecord.contains(folder) && !liveRuns.contains(folder)) {
                remove.add(folder);
            }
        }
        return new ArrayList<>(remove);
    }
}
