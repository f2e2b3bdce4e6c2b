package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pgha.events.Lsn;
import java.util.Locale;
import java.util.Map;

/**
 * What an agent publishes about its member at {@code /pgha/<cluster>/members/<name>} (JSON, bound to
 * the agent's lease). LSNs are written as PostgreSQL does ({@code 0/3000060}); null when unknown.
 *
 * @param connUrl {@code postgres://host:port/postgres} of the member's PostgreSQL
 * @param apiUrl {@code http://host:port/patroni} of the member's agent
 * @param role what the member runs as ({@link Role}, written as its lower-case text)
 * @param state what PostgreSQL is doing ({@code running}, {@code starting}, {@code stopped}, ...)
 * @param timeline the timeline PostgreSQL runs on, 0 when unknown
 * @param xlogLocation a primary's current write position
 * @param receiveLsn a replica's last received position
 * @param replayLsn a replica's last replayed position
 * @param tags nofailover, failover_priority, noloadbalance, nosync
 * @param syncStandbyNames the synchronous_standby_names a primary applied
 * @param version the agent's version
 * @param lastError the step that failed last and is being backed off (a clone, a rewind), or why the agent refuses the dynamic config in etcd; absent when none
 * @param archive the WAL archiver's state on a member that archives (the primary); absent without a
 *     backup repository
 * @param detached the fast failover's report: this standby stopped following the leader of that
 *     epoch and its WAL receiver is gone ({@link Detached}); absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberStatus(
        @JsonProperty("conn_url") String connUrl,
        @JsonProperty("api_url") String apiUrl,
        @JsonProperty("role") Role role,
        @JsonProperty("state") String state,
        @JsonProperty("timeline") long timeline,
        @JsonProperty("xlog_location") Lsn xlogLocation,
        @JsonProperty("receive_lsn") Lsn receiveLsn,
        @JsonProperty("replay_lsn") Lsn replayLsn,
        @JsonProperty("tags") Map<String, Object> tags,
        @JsonProperty("sync_standby_names") String syncStandbyNames,
        @JsonProperty("version") String version,
        @JsonProperty("last_error") LastError lastError,
        @JsonProperty("archive") ArchiveStatus archive,
        @JsonProperty("detached") Detached detached) {

    /** A status without a detached report. */
    public MemberStatus(
            String connUrl,
            String apiUrl,
            Role role,
            String state,
            long timeline,
            Lsn xlogLocation,
            Lsn receiveLsn,
            Lsn replayLsn,
            Map<String, Object> tags,
            String syncStandbyNames,
            String version,
            LastError lastError,
            ArchiveStatus archive) {
        this(
                connUrl,
                apiUrl,
                role,
                state,
                timeline,
                xlogLocation,
                receiveLsn,
                replayLsn,
                tags,
                syncStandbyNames,
                version,
                lastError,
                archive,
                null);
    }

    /**
     * A standby's answer to {@link Detach}: it no longer follows the leader of {@code epoch} (its
     * primary_conninfo is empty and persisted, its WAL receiver is gone), and {@code flush} is the last
     * position it received and flushed from it, which can no longer grow.
     */
    public record Detached(@JsonProperty("epoch") long epoch, @JsonProperty("flush") Lsn flush) {}

    /** This status with {@code report} as its detached report (null: none). */
    public MemberStatus withDetached(Detached report) {
        return new MemberStatus(
                connUrl,
                apiUrl,
                role,
                state,
                timeline,
                xlogLocation,
                receiveLsn,
                replayLsn,
                tags,
                syncStandbyNames,
                version,
                lastError,
                archive,
                report);
    }

    /** A status without the archiver's state. */
    public MemberStatus(
            String connUrl,
            String apiUrl,
            Role role,
            String state,
            long timeline,
            Lsn xlogLocation,
            Lsn receiveLsn,
            Lsn replayLsn,
            Map<String, Object> tags,
            String syncStandbyNames,
            String version,
            LastError lastError) {
        this(
                connUrl,
                apiUrl,
                role,
                state,
                timeline,
                xlogLocation,
                receiveLsn,
                replayLsn,
                tags,
                syncStandbyNames,
                version,
                lastError,
                null);
    }

    /** A status without a failed clone or rewind. */
    public MemberStatus(
            String connUrl,
            String apiUrl,
            Role role,
            String state,
            long timeline,
            Lsn xlogLocation,
            Lsn receiveLsn,
            Lsn replayLsn,
            Map<String, Object> tags,
            String syncStandbyNames,
            String version) {
        this(
                connUrl,
                apiUrl,
                role,
                state,
                timeline,
                xlogLocation,
                receiveLsn,
                replayLsn,
                tags,
                syncStandbyNames,
                version,
                null,
                null);
    }

    /**
     * A clone ({@code pg_basebackup}) or rewind that failed and is retried later, as the agent reports
     * it in its member key (and on {@code /patroni}), so the coordinator's status shows it too.
     *
     * @param action {@code clone} or {@code rewind}
     * @param reason why it failed (short, no secrets)
     * @param permanent it needs an operator (authentication, permissions, another cluster's data)
     * @param failures consecutive failures
     */
    public record LastError(
            @JsonProperty("action") String action,
            @JsonProperty("reason") String reason,
            @JsonProperty("permanent") boolean permanent,
            @JsonProperty("failures") int failures) {}

    /** Member roles as published; a role this version does not know reads as {@link #UNKNOWN}. */
    public enum Role {
        PRIMARY,
        REPLICA,
        DEMOTED,
        UNINITIALIZED,
        UNKNOWN;

        @JsonValue
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Role of(String text) {
            for (Role role : values()) {
                if (role.text().equals(text)) {
                    return role;
                }
            }
            return UNKNOWN;
        }
    }

    /** PostgreSQL accepts connections. */
    @JsonIgnore // derived: not part of the member key (it cost ~80 bytes on every write)
    public boolean isRunning() {
        return "running".equals(state);
    }

    /** Runs as the primary and accepts connections. */
    @JsonIgnore // derived: not part of the member key (it cost ~80 bytes on every write)
    public boolean isRunningPrimary() {
        return role == Role.PRIMARY && isRunning();
    }

    /** Runs as a replica and accepts connections. */
    @JsonIgnore // derived: not part of the member key (it cost ~80 bytes on every write)
    public boolean isRunningReplica() {
        return role == Role.REPLICA && isRunning();
    }

    /** A running replica that has received WAL from an upstream. */
    @JsonIgnore // derived: not part of the member key (it cost ~80 bytes on every write)
    public boolean isStreamingReplica() {
        return isRunningReplica() && receiveLsn != null;
    }

    /** The most advanced position this member has: its write position, else received, else replayed. */
    public Lsn bestLsn() {
        for (Lsn lsn : new Lsn[] {xlogLocation, receiveLsn, replayLsn}) {
            if (lsn != null) {
                return lsn;
            }
        }
        return Lsn.ZERO;
    }
}
