package io.pgha.agent.decide;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replication slots on the primary that no member wants any more (their member key is gone: the
 * member left the cluster, or its agent has been down longer than {@code ttl}), and since when this
 * agent has seen them so; each is dropped once that is {@code member_slots_ttl} ago (Patroni 4: 30min by
 * default, 0 at once), so a departed member's slot no longer holds pg_wal back without bound. Time is
 * counted from when this agent first saw the slot unwanted (after a failover the new primary counts
 * again). Pure: times are monotonic nanos from the caller's clock.
 *
 * @param unwantedSince each unwanted slot and when it was first seen unwanted
 */
public record DepartedSlots(Map<String, Long> unwantedSince) {
    public static final DepartedSlots NONE = new DepartedSlots(Map.of());

    public DepartedSlots {
        unwantedSince = Map.copyOf(unwantedSince);
    }

    /**
     * After a listing of the {@code existing} physical (not temporary) slots, when the members want
     * {@code wanted}: every existing slot that is not wanted, with the time it was first seen so (kept
     * from before, else {@code nowNanos}). A slot wanted again, or gone, is forgotten.
     */
    public DepartedSlots seen(Set<String> existing, Set<String> wanted, long nowNanos) {
        Map<String, Long> next = new TreeMap<>();
        for (String slot : existing) {
            if (!wanted.contains(slot)) {
                next.put(slot, unwantedSince.getOrDefault(slot, nowNanos));
            }
        }
        return new DepartedSlots(next);
    }

    /** The slots unwanted for at least {@code ttl} at {@code nowNanos}: to drop. */
    public Set<String> expired(Duration ttl, long nowNanos) {
        Set<String> due = new TreeSet<>();
        unwantedSince.forEach((slot, since) -> {
            if (nowNanos - since >= ttl.toNanos()) {
                due.add(slot);
            }
        });
        return due;
    }

    /** Without {@code dropped} (dropped, or found gone). */
    public DepartedSlots without(Set<String> dropped) {
        Map<String, Long> next = new TreeMap<>(unwantedSince);
        next.keySet().removeAll(dropped);
        return new DepartedSlots(next);
    }

    public boolean isEmpty() {
        return unwantedSince.isEmpty();
    }
}
