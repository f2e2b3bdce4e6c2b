package io.pgha.coordinator.decide;

import io.pgha.core.Failsafe;
import io.pgha.core.store.MemberEntry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Failsafe mode in the coordinator (Patroni's {@code failsafe_mode}), pure: the {@code /failsafe} key
 * it keeps, and the failover it must not start. See node-agent's DESIGN.md, "Failsafe mode".
 */
public final class FailsafeGate {
    private FailsafeGate() {}

    /** What to do with {@code /failsafe}: write this value, delete it, or nothing. */
    public sealed interface KeyChange {
        record Put(String json) implements KeyChange {}

        record Delete() implements KeyChange {}

        record None() implements KeyChange {}
    }

    /** The cluster's current members with their api_url (empty when a member key has none). */
    public static Failsafe members(Collection<MemberEntry> members) {
        Map<String, String> m = new TreeMap<>();
        for (MemberEntry e : members) {
            m.put(
                    e.name(),
                    e.status() == null || e.status().apiUrl() == null
                            ? ""
                            : e.status().apiUrl());
        }
        return new Failsafe(m);
    }

    /**
     * {@code /failsafe} equal to the current members while failsafe mode is on (left as it is while
     * there are none: a cluster that lost every member key keeps its last list); deleted when it is off.
     * A leader whose key is gone ({@code lostLeader}) stays listed with its stored api_url: it may be a
     * primary cut off from etcd that runs on failsafe rounds, and its members must still confirm it
     * (as in Patroni, where that leader itself keeps the key).
     *
     * @param stored the key's value, when present
     * @param lostLeader the last leader when the leader key is gone; empty while there is a leader key
     */
    public static KeyChange keep(
            boolean failsafeMode,
            Collection<MemberEntry> members,
            Optional<String> stored,
            Optional<String> lostLeader) {
        if (!failsafeMode) {
            return stored.isPresent() ? new KeyChange.Delete() : new KeyChange.None();
        }
        if (members.isEmpty()) {
            return new KeyChange.None();
        }
        Optional<Failsafe> current;
        try {
            current = stored.map(Failsafe::fromJson);
        } catch (IllegalArgumentException e) {
            current = Optional.empty();
        }
        Failsafe wanted = members(members);
        if (lostLeader.isPresent()
                && !wanted.contains(lostLeader.get())
                && current.filter(f -> f.contains(lostLeader.get())).isPresent()) {
            Map<String, String> m = new TreeMap<>(wanted.members());
            m.put(lostLeader.get(), current.get().members().get(lostLeader.get()));
            wanted = new Failsafe(m);
        }
        return current.equals(Optional.of(wanted)) ? new KeyChange.None() : new KeyChange.Put(wanted.toJson());
    }

    /**
     * Whether the last published topology must stand (no new one published) this run: failsafe mode is
     * on, the leader key is gone, the last leader's member key is gone too but it is still listed in
     * {@code /failsafe} (it may be a primary cut off from etcd, running on failsafe rounds that every
     * member confirms), and the last failover attempt did not find the hold released. A topology without
     * it would make config-renderer drop its server, so clients writing through HAProxy would lose a
     * primary that still acknowledges writes; Patroni's HAProxy keeps routing to it. Routing then follows
     * HAProxy's checks of the agents as always: no member can be promoted while the hold lasts.
     *
     * @param lostLeader the last leader when the leader key is gone; empty while there is a leader key
     * @param members the names of the current member keys
     * @param stored {@code /failsafe}'s value, when present
     * @param released the last failover attempt since the key went found no hold (the failover goes on)
     */
    public static boolean keepsRouting(
            boolean failsafeMode,
            Optional<String> lostLeader,
            Set<String> members,
            Optional<String> stored,
            boolean released) {
        if (!failsafeMode || released || lostLeader.isEmpty() || members.contains(lostLeader.get())) {
            return false;
        }
        try {
            return stored.map(Failsafe::fromJson)
                    .filter(f -> f.contains(lostLeader.get()))
                    .isPresent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Why no failover may start now: with failsafe mode on, a member's agent that answered just now
     * reports {@code failsafe_mode_is_active} (the old primary runs on failsafe rounds, or a member
     * confirmed it within ttl). Empty when a failover may go on.
     */
    public static Optional<String> hold(boolean failsafeMode, String formerLeader, List<MemberSnapshot> fresh) {
        if (!failsafeMode) {
            return Optional.empty();
        }
        List<String> active = fresh.stream()
                .filter(m -> m.agentAnswered() && m.failsafeActive())
                .map(MemberSnapshot::name)
                .sorted()
                .toList();
        if (active.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the primary " + (formerLeader == null ? "(unknown)" : formerLeader)
                + " is alive: failsafe (failsafe_mode_is_active on " + active + ")");
    }
}
