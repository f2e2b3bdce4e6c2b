package io.pgha.backup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgha.repository.catalog.BackupRecord;
import java.time.Instant;

/** A backup as the API lists it (the catalog record without its file list). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupView(
        String id,
        String cluster,
        String state,
        String owner,
        String member,
        Integer timeline,
        @JsonProperty("start_lsn") String startLsn,
        @JsonProperty("stop_lsn") String stopLsn,
        @JsonProperty("start_wal") String startWal,
        @JsonProperty("stop_wal") String stopWal,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("stopped_at") Instant stoppedAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("pg_version") Integer pgVersion,
        String compression,
        boolean encrypted,
        int files,
        long size,
        @JsonProperty("stored_size") long storedSize,
        boolean pinned,
        String reason) {

    static BackupView of(BackupRecord r) {
        return new BackupView(
                r.id(),
                r.cluster(),
                r.state().name(),
                r.owner(),
                r.member(),
                r.timeline(),
                r.startLsn() == null ? null : r.startLsn().toString(),
                r.stopLsn() == null ? null : r.stopLsn().toString(),
                r.startWal(),
                r.stopWal(),
                r.startedAt(),
                r.stoppedAt(),
                r.completedAt(),
                r.pgVersion(),
                r.compression(),
                r.encrypted(),
                r.files() == null ? 0 : r.files().size(),
                r.size(),
                r.storedSize(),
                r.pinned(),
                r.reason());
    }
}
