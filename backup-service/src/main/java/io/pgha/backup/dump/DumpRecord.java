package io.pgha.backup.dump;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * A logical backup run ({@code <cluster>/dumps/<id>/dump.json}): one {@code pg_dump -Fc} per database,
 * each sealed as one object of the run.
 *
 * @param state RUNNING, COMPLETE or FAILED (the same meaning as a base backup's)
 * @param member the member the dumps were taken from
 * @param databases every database dumped
 * @param skipped databases whose names pgha does not pass to pg_dump (outside letters, digits, _ . -)
 * @param reason why it failed, when it did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DumpRecord(
        String id,
        String cluster,
        String state,
        String member,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("completed_at") Instant completedAt,
        List<Database> databases,
        List<String> skipped,
        String reason) {

    /** One database's dump. */
    public record Database(
            String name, int object, long size, String sha256, @JsonProperty("stored_size") long storedSize) {}

    public static DumpRecord running(String id, String cluster, String member, Instant startedAt) {
        return new DumpRecord(id, cluster, "RUNNING", member, startedAt, null, List.of(), List.of(), null);
    }

    public DumpRecord with(String newState, List<Database> dbs, Instant completed, String why) {
        return new DumpRecord(id, cluster, newState, member, startedAt, completed, List.copyOf(dbs), skipped, why);
    }

    public DumpRecord withSkipped(List<String> names) {
        return new DumpRecord(
                id, cluster, state, member, startedAt, completedAt, databases, List.copyOf(names), reason);
    }
}
