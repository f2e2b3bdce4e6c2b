package io.pgha.agent.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a repository bootstrap went, as the agent that performs it writes it to {@code
 * /pgha/<cluster>/restore/status}.
 *
 * @param id the request's id
 * @param state requested, restoring, completed or failed
 * @param backupId the backup restored
 * @param startedAt when the restore started (ISO-8601)
 * @param finishedAt when it completed or failed
 * @param restoredLsn where recovery ended (the new timeline starts there)
 * @param timeline the new cluster's timeline after promotion
 * @param error why it failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreStatus(
        @JsonProperty("id") String id,
        @JsonProperty("state") String state,
        @JsonProperty("backup_id") String backupId,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("finished_at") String finishedAt,
        @JsonProperty("restored_lsn") String restoredLsn,
        @JsonProperty("timeline") Long timeline,
        @JsonProperty("error") String error) {}
