package io.pgha.agent.decide;

import io.pgha.core.DynamicConfig;
import io.pgha.events.Lsn;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Patroni's permanent slots ({@code slots}) and {@code ignore_slots}, decided over plain records. On the
 * primary every permanent slot is created (physical with its WAL reserved at once, logical with its
 * database and plugin); a permanent or ignored slot is never counted as departed. On a replica
 * (PostgreSQL 15 has no slot synchronisation) every permanent physical slot is created locally and every
 * logical one is copied once from the primary (its {@code pg_replslot/<name>/state} file, read with
 * {@code pg_read_binary_file}, written while this PostgreSQL is stopped), then each is advanced with
 * {@code pg_replication_slot_advance} to the primary's position, never past this replica's replay
 * position. Other inactive slots on a replica that are not ignored are dropped (a former primary's
 * member slots, a permanent slot taken out of the config), as Patroni does. Pure.
 */
public final class PermanentSlots {
    private PermanentSlots() {}

    /**
     * A replication slot as {@code pg_replication_slots} shows it (not temporary).
     *
     * @param position {@code confirmed_flush_lsn} of a logical slot, {@code restart_lsn} of a physical one
     *     (null: none yet)
     */
    public record Seen(String name, String type, String database, String plugin, Lsn position, boolean active) {
        public boolean logical() {
            return "logical".equals(type);
        }

        /** Whether this is a slot of {@code slot}'s type (and database and plugin, when logical). */
        public boolean is(DynamicConfig.Slot slot) {
            return type.equals(slot.type())
                    && (!slot.logical()
                            || slot.database().equals(database) && slot.plugin().equals(plugin));
        }
    }

    /** The permanent physical slots the primary keeps (not the one named like itself: Patroni skips it). */
    public static Set<String> physicalOnPrimary(DynamicConfig config, String ownSlot) {
        return config.slots().entrySet().stream()
                .filter(e -> !e.getValue().logical() && !e.getKey().equals(ownSlot))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The permanent logical slots missing on the primary ({@code existing} is its listing). */
    public static Map<String, DynamicConfig.Slot> logicalToCreate(DynamicConfig config, Collection<Seen> existing) {
        Set<String> names = existing.stream().map(Seen::name).collect(Collectors.toSet());
        Map<String, DynamicConfig.Slot> missing = new TreeMap<>();
        config.slots().forEach((name, slot) -> {
            if (slot.logical() && !names.contains(name)) {
                missing.put(name, slot);
            }
        });
        return missing;
    }

    /**
     * The physical slots of {@code existing} that {@link DepartedSlots} may count (and so drop after
     * member_slots_ttl) when no member wants them: all but those matched by {@code ignore_slots} and the
     * permanent ones.
     */
    public static Set<String> droppable(DynamicConfig config, Collection<Seen> existing) {
        return existing.stream()
                .filter(s -> !s.logical())
                .filter(s -> !config.slots().containsKey(s.name()))
                .filter(s -> !config.ignored(s.name(), s.type(), s.database(), s.plugin()))
                .map(Seen::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Those of {@code expired} (counted by {@link DepartedSlots} under an earlier config) that may still
     * be dropped now: not permanent, not matched by {@code ignore_slots} as a physical slot.
     */
    public static Set<String> stillDroppable(DynamicConfig config, Set<String> expired) {
        return expired.stream()
                .filter(n -> !config.slots().containsKey(n))
                .filter(n -> !config.ignored(n, "physical", null, null))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** How often a replica looks at its permanent slots (and reads the primary's): Patroni does so every loop. */
    public static final java.time.Duration SYNC_INTERVAL = java.time.Duration.ofSeconds(2);

    /** Whether a replica that last synchronised at {@code lastNanos} (null: never) does so now. */
    public static boolean syncDue(Long lastNanos, long nowNanos) {
        return lastNanos == null || nowNanos - lastNanos >= SYNC_INTERVAL.toNanos();
    }

    /**
     * What a replica that follows the primary does with its slots.
     *
     * @param create permanent physical slots to create here (WAL reserved from the replay position)
     * @param copy permanent logical slots to copy from the primary (a stop and start of this PostgreSQL)
     * @param advance slots to move forward with {@code pg_replication_slot_advance}, and where to
     * @param drop inactive slots here that are neither permanent nor ignored (or whose type, database or
     *     plugin differ from the config: copied again afterwards)
     */
    public record ReplicaPlan(Set<String> create, Set<String> copy, Map<String, Lsn> advance, Set<String> drop) {
        public ReplicaPlan {
            create = Set.copyOf(create);
            copy = Set.copyOf(copy);
            advance = Map.copyOf(advance);
            drop = Set.copyOf(drop);
        }

        public boolean isEmpty() {
            return create.isEmpty() && copy.isEmpty() && advance.isEmpty() && drop.isEmpty();
        }
    }

    /**
     * The plan for a replica whose own slot (on the primary) is {@code ownSlot}, with its {@code local}
     * slots, the primary's slots {@code onPrimary} (those named in the config; a failed read: empty) and
     * its replay position {@code replay} (null: unknown, nothing is advanced).
     */
    public static ReplicaPlan onReplica(
            DynamicConfig config, String ownSlot, Collection<Seen> local, Collection<Seen> onPrimary, Lsn replay) {
        Map<String, Seen> here = byName(local);
        Map<String, Seen> there = byName(onPrimary);
        Set<String> create = new TreeSet<>();
        Set<String> copy = new TreeSet<>();
        Map<String, Lsn> advance = new TreeMap<>();
        Set<String> drop = new TreeSet<>();
        for (Seen s : local) {
            DynamicConfig.Slot wanted =
                    s.name().equals(ownSlot) ? null : config.slots().get(s.name());
            if (wanted != null && s.is(wanted)) {
                continue;
            }
            if (wanted == null && config.ignored(s.name(), s.type(), s.database(), s.plugin())) {
                continue;
            }
            if (!s.active()) {
                drop.add(s.name());
            }
            here.remove(s.name());
        }
        config.slots().forEach((name, slot) -> {
            if (name.equals(ownSlot)) {
                return;
            }
            Seen mine = here.get(name);
            Seen primary = there.get(name);
            if (mine == null) {
                if (!slot.logical()) {
                    create.add(name);
                } else if (primary != null && primary.is(slot) && !drop.contains(name)) {
                    copy.add(name);
                }
                return;
            }
            if (primary == null || primary.position() == null || replay == null) {
                return;
            }
            Lsn target = primary.position().compareTo(replay) <= 0 ? primary.position() : replay;
            if (mine.position() == null || target.compareTo(mine.position()) > 0) {
                advance.put(name, target);
            }
        });
        return new ReplicaPlan(create, copy, advance, drop);
    }

    private static Map<String, Seen> byName(Collection<Seen> slots) {
        return slots.stream().collect(Collectors.toMap(Seen::name, Function.identity(), (a, b) -> a, TreeMap::new));
    }
}
