package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The WAL archiver's state as an agent publishes it in its member key ({@code archive}), so that
 * backup-service, the coordinator's status and alerts see archiving fall behind or fail. Names
 * follow PostgreSQL's {@code pg_stat_archiver}.
 *
 * @param lastArchivedWal the last WAL file pushed to the repository
 * @param lastArchivedAt when it was pushed (ISO-8601)
 * @param lastFailedWal the last WAL file whose push failed
 * @param lastFailedAt when it failed (ISO-8601)
 * @param lastFailure why it failed (no secrets)
 * @param archivedCount files pushed since the agent started
 * @param failedCount failed pushes since the agent started
 * @param queued files ready in pg_wal/archive_status and not yet pushed
 * @param conflict set while the repository refuses a file (different content under its name) or
 *     holds a timeline higher than this member's: a sign of two primaries
 * @param repositoryTimeline the highest timeline the repository holds, when known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArchiveStatus(
        @JsonProperty("last_archived_wal") String lastArchivedWal,
        @JsonProperty("last_archived_at") String lastArchivedAt,
        @JsonProperty("last_failed_wal") String lastFailedWal,
        @JsonProperty("last_failed_at") String lastFailedAt,
        @JsonProperty("last_failure") String lastFailure,
        @JsonProperty("archived_count") long archivedCount,
        @JsonProperty("failed_count") long failedCount,
        @JsonProperty("queued") int queued,
        @JsonProperty("conflict") String conflict,
        @JsonProperty("repository_timeline") Integer repositoryTimeline) {}
