package io.pgha.repository.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgha.events.Lsn;
import java.time.Instant;
import java.util.List;

/**
 * A base backup as the catalog describes it ({@code <cluster>/backups/<id>/backup.json}): enough to
 * restore it with nothing but the repository.
 *
 * @param id sortable, e.g. {@code 20261201T101530Z}
 * @param owner the backup-service instance taking it (to tell abandoned RUNNING backups)
 * @param member the member it was copied from
 * @param timeline the timeline it starts on
 * @param startLsn where recovery must start replaying
 * @param stopLsn where it is consistent
 * @param startWal the first WAL segment it needs
 * @param stopWal the last WAL segment it needs to be consistent
 * @param systemIdentifier the cluster's database system identifier
 * @param pgVersion PostgreSQL's major version
 * @param directories every directory of the data directory, including empty ones
 * @param files every file with its object number, size and checksum
 * @param size sum of the original sizes
 * @param storedSize sum of the stored sizes
 * @param pinned kept by retention whatever the policy says
 * @param reason why it failed, when it did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupRecord(
        String id,
        String cluster,
        BackupState state,
        String owner,
        String member,
        Integer timeline,
        @JsonProperty("start_lsn") Lsn startLsn,
        @JsonProperty("stop_lsn") Lsn stopLsn,
        @JsonProperty("start_wal") String startWal,
        @JsonProperty("stop_wal") String stopWal,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("stopped_at") Instant stoppedAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("system_identifier") String systemIdentifier,
        @JsonProperty("pg_version") Integer pgVersion,
        String compression,
        boolean encrypted,
        List<String> directories,
        List<BackupFile> files,
        long size,
        @JsonProperty("stored_size") long storedSize,
        boolean pinned,
        String reason) {

    /** A backup that has just started. */
    public static BackupRecord running(String id, String cluster, String owner, String member, Instant startedAt) {
        return new BackupRecord(
                id,
                cluster,
                BackupState.RUNNING,
                owner,
                member,
                null,
                null,
                null,
                null,
                null,
                startedAt,
                null,
                null,
                null,
                null,
                null,
                false,
                List.of(),
                List.of(),
                0,
                0,
                false,
                null);
    }

    public BackupRecord withState(BackupState newState, String newReason, Instant at) {
        return new BackupRecord(
                id,
                cluster,
                newState,
                owner,
                member,
                timeline,
                startLsn,
                stopLsn,
                startWal,
                stopWal,
                startedAt,
                stoppedAt,
                newState == BackupState.COMPLETE ? at : completedAt,
                systemIdentifier,
                pgVersion,
                compression,
                encrypted,
                directories,
                files,
                size,
                storedSize,
                pinned,
                newReason);
    }

    public BackupRecord withPinned(boolean pin) {
        return new BackupRecord(
                id,
                cluster,
                state,
                owner,
                member,
                timeline,
                startLsn,
                stopLsn,
                startWal,
                stopWal,
                startedAt,
                stoppedAt,
                completedAt,
                systemIdentifier,
                pgVersion,
                compression,
                encrypted,
                directories,
                files,
                size,
                storedSize,
                pin,
                reason);
    }

    /** The copied content: where it starts and stops, and every file. */
    public BackupRecord withContent(
            int newTimeline,
            Lsn start,
            Lsn stop,
            String firstWal,
            String lastWal,
            Instant stopped,
            String sysid,
            int version,
            String compressionName,
            boolean isEncrypted,
            List<String> dirs,
            List<BackupFile> content) {
        long plain = content.stream().mapToLong(BackupFile::size).sum();
        long stored = content.stream().mapToLong(BackupFile::storedSize).sum();
        return new BackupRecord(
                id,
                cluster,
                state,
                owner,
                member,
                newTimeline,
                start,
                stop,
                firstWal,
                lastWal,
                startedAt,
                stopped,
                completedAt,
                sysid,
                version,
                compressionName,
                isEncrypted,
                List.copyOf(dirs),
                List.copyOf(content),
                plain,
                stored,
                pinned,
                reason);
    }
}
