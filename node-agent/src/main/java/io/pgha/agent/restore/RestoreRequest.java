package io.pgha.agent.restore;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgha.agent.config.AgentConfig;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.repository.restore.RecoveryTarget;
import io.pgha.repository.store.Keys;
import java.util.Optional;

/**
 * What a repository bootstrap restores: from etcd ({@code /pgha/<cluster>/restore/request}, written
 * by backup-service's restore API) or, when that key is absent, from {@code
 * pgha.bootstrap.repository.*}.
 *
 * @param id the restore's id (reported back in the restore status)
 * @param sourceCluster the cluster whose backups and WAL archive are read
 * @param backupId a backup to restore, or null for the newest complete one that fits the target
 * @param target where recovery stops
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestoreRequest(
        @JsonProperty("id") String id,
        @JsonProperty("source_cluster") String sourceCluster,
        @JsonProperty("backup_id") String backupId,
        @JsonProperty("target") RecoveryTarget target) {

    /** Throws an IllegalArgumentException naming every bad field; else this request. */
    public RestoreRequest validated(String where) {
        if (sourceCluster == null) {
            throw new IllegalArgumentException(where + ": source_cluster is missing");
        }
        try {
            EtcdLayout.requireName("source_cluster", sourceCluster);
            if (backupId != null) {
                Keys.check(backupId);
            }
            if (target == null) {
                throw new IllegalArgumentException("target is missing (e.g. {\"time\": \"2026-12-01T10:15:30Z\"})");
            }
            target.validated();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        return this;
    }

    /**
     * The request from etcd's JSON when there is one, else from the properties; validated.
     *
     * @param json the restore request key's value, if present
     * @param config {@code pgha.bootstrap.repository.*}
     */
    public static RestoreRequest resolve(Optional<String> json, AgentConfig.RestoreSource config) {
        if (json.isPresent()) {
            RestoreRequest r = Json.read(json.get(), RestoreRequest.class, "the restore request key");
            return r.validated("the restore request key");
        }
        AgentConfig.Target t = config.target();
        boolean none = t.time().isEmpty()
                && t.lsn().isEmpty()
                && t.xid().isEmpty()
                && t.name().isEmpty()
                && !t.immediate();
        RecoveryTarget target = new RecoveryTarget(
                t.time().orElse(null),
                t.lsn().orElse(null),
                t.xid().orElse(null),
                t.name().orElse(null),
                t.immediate() ? Boolean.TRUE : null,
                t.latest() || none ? Boolean.TRUE : null,
                null);
        String source = config.sourceCluster()
                .orElseThrow(() -> new IllegalArgumentException("pgha.bootstrap.method=repository needs a restore"
                        + " request in etcd or pgha.bootstrap.repository.source-cluster"));
        return new RestoreRequest("config", source, config.backupId().orElse(null), target)
                .validated("pgha.bootstrap.repository.*");
    }
}
