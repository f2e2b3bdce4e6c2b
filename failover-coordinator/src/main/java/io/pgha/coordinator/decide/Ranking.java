package io.pgha.coordinator.decide;

import io.pgha.events.ElectionEvent.Exclusion;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of ranking: the eligible members best first, and every other member with the reason
 * it was excluded (what the failover-failed event and the status API show, member by member).
 */
public record Ranking(List<MemberSnapshot> eligible, List<Excluded> excluded) {
    /** A member that may not be promoted, and why. */
    public record Excluded(String member, ExclusionReason reason, String detail) {
        /** As the election events carry it. */
        public Exclusion toEvent() {
            return new Exclusion(member, detail);
        }
    }

    public Ranking {
        eligible = List.copyOf(eligible);
        excluded = List.copyOf(excluded);
    }

    /** The best candidate, if any member is eligible. */
    public Optional<MemberSnapshot> best() {
        return eligible.isEmpty() ? Optional.empty() : Optional.of(eligible.get(0));
    }

    /** Why {@code member} was excluded, if it was. */
    public Optional<Excluded> exclusionOf(String member) {
        return excluded.stream().filter(e -> e.member().equals(member)).findFirst();
    }

    /** The exclusions as the election events carry them. */
    public List<Exclusion> exclusionsForEvent() {
        return excluded.stream().map(Excluded::toEvent).toList();
    }
}
