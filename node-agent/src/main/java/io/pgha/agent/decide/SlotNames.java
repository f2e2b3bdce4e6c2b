package io.pgha.agent.decide;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Replication slot names of members, and the check that no two members share one. */
public final class SlotNames {
    private SlotNames() {}

    /** The physical replication slot of {@code member}: lower case, only a-z, 0-9 and _. */
    public static String of(String member) {
        return member.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /**
     * When another of {@code members} maps to the same slot name as {@code me} ({@code pg-1}, {@code
     * pg.1} and {@code PG_1} all use {@code pg_1}): a message naming both. The two would stream through
     * one slot, which holds WAL for only one position, and each would take the other's slot over.
     */
    public static Optional<String> collision(String me, Collection<String> members) {
        String mine = of(me);
        return members.stream()
                .filter(other -> !other.equals(me))
                .filter(other -> of(other).equals(mine))
                .sorted()
                .findFirst()
                .map(other -> "member '" + me + "' and member '" + other + "' map to the same replication slot '"
                        + mine + "' (lower case, anything but a-z, 0-9 and _ as _): give this agent another"
                        + " pgha.name");
    }

    /** Throws {@link IllegalStateException} with the {@link #collision} message, if any. */
    public static void refuseCollision(String me, Collection<String> members) {
        collision(me, members).ifPresent(message -> {
            throw new IllegalStateException(message);
        });
    }
}
