package io.pgha.backup.decide;

import io.pgha.core.MemberStatus;
import io.pgha.events.Lsn;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Where a base backup is copied from: the most up-to-date streaming replica on the primary's
 * timeline (no load on the primary), else the running primary. Pure: a comparator over member keys.
 */
public final class SourceChoice {
    private SourceChoice() {}

    /**
     * The member to copy from.
     *
     * @param source the member's name and status
     * @param primary the running primary's name (where pg_switch_wal and the heartbeat go)
     * @param primaryStatus its status
     */
    public record Choice(String source, MemberStatus sourceStatus, String primary, MemberStatus primaryStatus) {
        public boolean fromReplica() {
            return !source.equals(primary);
        }
    }

    /** Most advanced received (else replayed) position first, then the name. */
    static final Comparator<Map.Entry<String, MemberStatus>> MOST_ADVANCED =
            Comparator.<Map.Entry<String, MemberStatus>, Lsn>comparing(
                            e -> e.getValue().bestLsn())
                    .reversed()
                    .thenComparing(Map.Entry::getKey);

    /**
     * The source among {@code members} (null statuses are members whose key could not be read);
     * {@code leader} is the member the leader key names, if any. Empty when no running primary exists.
     */
    public static Optional<Choice> choose(Map<String, MemberStatus> members, Optional<String> leader) {
        Optional<Map.Entry<String, MemberStatus>> primary = primary(members, leader);
        if (primary.isEmpty()) {
            return Optional.empty();
        }
        long timeline = primary.get().getValue().timeline();
        Optional<Map.Entry<String, MemberStatus>> replica = members.entrySet().stream()
                .filter(e -> e.getValue() != null && e.getValue().isStreamingReplica())
                .filter(e -> timeline == 0
                        || e.getValue().timeline() == 0
                        || e.getValue().timeline() == timeline)
                .filter(e -> e.getValue().connUrl() != null)
                .sorted(MOST_ADVANCED)
                .findFirst();
        Map.Entry<String, MemberStatus> source = replica.orElse(primary.get());
        return Optional.of(new Choice(
                source.getKey(),
                source.getValue(),
                primary.get().getKey(),
                primary.get().getValue()));
    }

    /** The running primary: the leader key's member when it runs as primary, else the only running primary. */
    public static Optional<Map.Entry<String, MemberStatus>> primary(
            Map<String, MemberStatus> members, Optional<String> leader) {
        if (leader.isPresent()) {
            MemberStatus status = members.get(leader.get());
            if (status != null && status.isRunningPrimary() && status.connUrl() != null) {
                return Optional.of(Map.entry(leader.get(), status));
            }
        }
        var primaries = members.entrySet().stream()
                .filter(e -> e.getValue() != null
                        && e.getValue().isRunningPrimary()
                        && e.getValue().connUrl() != null)
                .toList();
        return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
    }
}
