package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgha.events.Lsn;
import java.util.Map;

/**
 * What an agent publishes about its member at {@code /pgha/<cluster>/members/<name>} (JSON, bound to
 * the agent's lease). LSNs are written as PostgreSQL does ({@code 0/3000060}); null when unknown.
 *
 * @param connUrl {@code postgres://host:port/postgres} of the member's PostgreSQL
 * @param apiUrl {@code http://host:port/patroni} of the member's agent
 * @param role {@link Role} as text
 * @param state what PostgreSQL is doing ({@code running}, {@code starting}, {@code stopped}, ...)
 * @param timeline the timeline PostgreSQL runs on, 0 when unknown
 * @param xlogLocation a primary's current write position
 * @param receiveLsn a replica's last received position
 * @param replayLsn a replica's last replayed position
 * @param tags nofailover, failover_priority, noloadbalance, nosync
 * @param syncStandbyNames the synchronous_standby_names a primary applied
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberStatus(
        @JsonProperty("conn_url") String connUrl,
        @JsonProperty("api_url") String apiUrl,
        @JsonProperty("role") String role,
        @JsonProperty("state") String state,
        @JsonProperty("timeline") long timeline,
        @JsonProperty("xlog_location") String xlogLocation,
        @JsonProperty("receive_lsn") String receiveLsn,
        @JsonProperty("replay_lsn") String replayLsn,
        @JsonProperty("tags") Map<String, Object> tags,
        @JsonProperty("sync_standby_names") String syncStandbyNames,
        @JsonProperty("version") String version) {

    /** Member roles as published. */
    public enum Role {
        PRIMARY,
        REPLICA,
        DEMOTED,
        UNINITIALIZED;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The most advanced position this member has: its write position, else received, else replayed. */
    public Lsn bestLsn() {
        for (String lsn : new String[] {xlogLocation, receiveLsn, replayLsn}) {
            if (lsn != null) {
                return Lsn.parse(lsn);
            }
        }
        return Lsn.ZERO;
    }
}
