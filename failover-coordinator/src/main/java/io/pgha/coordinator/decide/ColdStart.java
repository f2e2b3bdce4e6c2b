package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * Choosing a primary after every node was stopped (`./pgha down` then `up`, a power loss of every
 * node) or by a coordinator that never saw the last leader alive. Nobody streams from anybody then,
 * so the order is by what each member holds: the highest timeline, then the most advanced WAL
 * position, then the last leader among equals, then {@code failover_priority}, then the name.
 */
public final class ColdStart {
    private ColdStart() {}

    /** Highest timeline first, then the most advanced position, then {@code lastLeader}, priority, name. */
    public static Comparator<MemberSnapshot> bestFirst(String lastLeader) {
        return Comparator.comparingLong(MemberSnapshot::timeline)
                .reversed()
                .thenComparing(
                        (MemberSnapshot m) ->
                                Optional.ofNullable(m.walPosition()).orElse(Lsn.ZERO),
                        Comparator.reverseOrder())
                .thenComparing((MemberSnapshot m) -> !m.name().equals(lastLeader))
                .thenComparing(MemberSnapshot::failoverPriority, Comparator.reverseOrder())
                .thenComparing(MemberSnapshot::name);
    }

    /**
     * Why to wait before choosing, or empty to choose now. In synchronous mode only a member that may
     * hold every acknowledged commit may win (the last synchronous set and its leader): the cluster
     * waits for one of them however long it takes. Otherwise it waits up to {@code grace} for the last
     * leader to run again (it may hold commits the others never received), then chooses among the
     * others.
     *
     * @param running the members whose PostgreSQL runs now
     * @param waited how long this coordinator has seen the cluster leaderless with members running
     */
    public static Optional<String> awaiting(
            FailoverPolicy policy, Set<String> running, Duration waited, Duration grace) {
        if (policy.synchronousMode()) {
            Set<String> holders = policy.synchronousCandidates();
            if (!holders.isEmpty() && running.stream().noneMatch(holders::contains)) {
                return Optional.of(
                        "waiting for one of " + holders.stream().sorted().toList()
                                + " to run: in synchronous mode only the last synchronous set and its leader may hold"
                                + " every acknowledged commit");
            }
            return Optional.empty();
        }
        String last = policy.lastLeader();
        if (last != null && !running.contains(last) && waited.compareTo(grace) < 0) {
            return Optional.of("waiting up to " + grace.toSeconds() + " s for " + last
                    + ", the last leader, to run (it may hold commits the others never received)");
        }
        return Optional.empty();
    }
}
